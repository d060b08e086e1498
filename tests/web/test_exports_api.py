"""Starting exports over HTTP: what is checked before any job exists,
who may export what, and the catalog a frontend builds its export form from.
No worker runs here: started jobs stay queued."""
from models import crm
from tests.support.exports import EXPORTS, JOB_COLUMNS, JOBS, start


def test_a_started_export_is_a_queued_job_with_its_filters_as_the_task_reads_them(client, auth):
    r = start(client, auth.a, by="dispatcher", status="pending,assigned", date_from="2024-01-01", technician_id=7)
    assert r.status_code == 202
    job = client.get(r.headers["Location"], headers=auth.a.headers("dispatcher")).get_json()["data"]
    assert job["kind"] == "export" and job["status"] == "queued" and job["created_by"] == auth.a.user_ids["dispatcher"]
    assert job["params"] == {"resource": "jobs", "format": "csv", "filters": {
        "status": ["pending", "assigned"], "date_from": "2024-01-01", "technician_id": 7}}
    default = client.post(EXPORTS, headers=auth.a.headers(), json={"resource": "users"})
    assert default.status_code == 202
    assert client.get(default.headers["Location"], headers=auth.a.headers()).get_json()["data"]["params"] == {
        "resource": "users", "format": "csv", "filters": {}}


def test_bad_requests_are_refused_before_any_job_exists(client, auth):
    def details(body):
        r = client.post(EXPORTS, headers=auth.a.headers(), json=body)
        assert r.status_code == 422, r.get_json()
        return r.get_json()["error"]["details"]

    assert "resource" in details({"resource": "invoices"})
    assert "format" in details({"resource": "jobs", "format": "xlsx"})
    assert "colour" in details({"resource": "jobs", "filters": {"colour": "red"}})["filters"]
    assert "status" in details({"resource": "jobs", "filters": {"status": ["pending", "exploded"]}})["filters"]
    assert "date_from" in details({"resource": "jobs", "filters": {"date_from": "last tuesday"}})["filters"]
    assert "technician_id" in details({"resource": "jobs", "filters": {"technician_id": "abc"}})["filters"]
    assert "filters" in details({"resource": "jobs", "filters": ["status"]})
    assert "extra" in details({"resource": "jobs", "extra": 1})
    assert "filters" in details({"resource": "customers", "filters": {"city": "New\u0000York"}})
    assert client.get(JOBS, headers=auth.a.headers()).get_json()["meta"]["total"] == 0


def test_only_roles_that_may_export_can_start_one(client, auth):
    r = start(client, auth.a, by="technician")
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "FORBIDDEN"
    assert start(client, auth.a, "invoices", by="technician").status_code == 403  # 403 before validation
    assert start(client, auth.a, by="dispatcher").status_code == 202


def test_exporting_a_resource_also_needs_the_right_to_read_it(client, auth):
    admin = auth.a.headers()
    client.post("/api/v1/admin/roles", headers=admin, json={"name": "job_exporter",
                                                            "permissions": ["exports:create", "jobs:read"]})
    client.post("/api/v1/users", headers=admin, json={"email": "exporter@alpha.test", "name": "Exporter",
                                                      "password": "password-1", "role": "job_exporter"})
    login = client.post("/api/v1/auth/login", json={"email": "exporter@alpha.test", "password": "password-1"})
    exporter = {"Authorization": f"Bearer {login.get_json()['data']['access_token']}"}

    assert client.post(EXPORTS, headers=exporter, json={"resource": "jobs"}).status_code == 202
    refused = client.post(EXPORTS, headers=exporter, json={"resource": "users"})
    assert refused.status_code == 403 and refused.get_json()["error"]["details"] == {"required": ["users:read"]}
    catalog = client.get(f"{EXPORTS}/resources", headers=exporter).get_json()["data"]
    assert sorted(entry["resource"] for entry in catalog) == ["customers", "jobs", "projects", "technicians"]


def test_the_catalog_lists_each_resource_with_its_columns_formats_and_filters(client, auth):
    r = client.get(f"{EXPORTS}/resources", headers=auth.a.headers("dispatcher"))
    assert r.status_code == 200
    catalog = {entry["resource"]: entry for entry in r.get_json()["data"]}
    # a dispatcher reads dispatch and the CRM, and sends notifications, not the marketplace's vendors
    crm_resources = [spec.resource for spec in crm.DOMAIN.exports]
    assert sorted(catalog) == sorted(["customers", "jobs", "projects", "technicians", "users", "notifications",
                                      *crm_resources])
    jobs = catalog["jobs"]
    assert jobs["columns"] == JOB_COLUMNS and jobs["formats"] == ["csv", "jsonl"]
    status = next(f for f in jobs["filters"] if f["name"] == "status")
    assert status["type"] == "string" and status["many"] is True and "completed" in status["choices"]
    assert {f["name"]: f["type"] for f in jobs["filters"]}["date_from"] == "date"
    assert client.get(f"{EXPORTS}/resources", headers=auth.a.headers("technician")).status_code == 403




def test_a_start_retried_with_its_idempotency_key_starts_one_job(client, auth):
    """A dispatcher on a flaky connection presses Export, the answer is lost, the app retries."""
    def press():
        return client.post(EXPORTS, headers=auth.a.headers("dispatcher", **{"Idempotency-Key": "export-1"}),
                           json={"resource": "jobs", "format": "csv"})

    first, retry = press(), press()
    assert first.status_code == retry.status_code == 202
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json()["data"]["job_id"] == first.get_json()["data"]["job_id"]
    assert retry.headers["Location"] == first.headers["Location"]
    assert client.get(JOBS, headers=auth.a.headers()).get_json()["meta"]["total"] == 1

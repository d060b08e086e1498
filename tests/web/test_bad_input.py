"""Bad input is a clear 4xx in the error envelope and changes nothing, whatever the bytes."""
import pytest

from tests.support.dispatch import Board


def error_of(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["success"] is False and set(body["error"]) == {"code", "message", "details"}
    return body["error"]


@pytest.fixture
def board(client, auth):
    return Board(client, auth.a)


@pytest.mark.parametrize("path", [
    "/api/v1/users?q=a%00b", "/api/v1/users?role=tech%00nician", "/api/v1/customers?city=Bo%00ston",
    "/api/v1/technicians?skill=plumb%00ing", "/api/v1/admin/audit-log?entity_type=job%00",
    "/api/v1/admin/audit-log?entity_id=1%00", "/api/v1/jobs?q=%00",
])
def test_a_nul_byte_in_a_query_value_is_422_naming_the_parameter(client, auth, path):
    error = error_of(client.get(path, headers=auth.a.headers("owner")), 422)
    assert error["code"] == "VALIDATION_ERROR"
    assert list(error["details"]) == [path.split("?")[1].split("=")[0]]


def test_a_nul_byte_in_a_path_segment_is_not_found(client, auth):
    for path in ("/api/v1/admin/jobs/%00", "/api/v1/admin/jobs/abc%00def/cancel", "/api/v1/jobs/1%00"):
        assert error_of(client.get(path, headers=auth.a.headers("owner")), 404)["code"] == "NOT_FOUND"


def test_a_nul_byte_in_a_header_is_422_and_changes_nothing(client, auth):
    headers = auth.a.headers("owner", **{"Idempotency-Key": "retry\x00-1"})
    error = error_of(client.post("/api/v1/customers", headers=headers, json={"name": "Nul Key Co"}), 422)
    assert error["details"] == {"Idempotency-Key": ["must not contain NUL bytes"]}
    listed = client.get("/api/v1/customers?q=Nul", headers=auth.a.headers("owner")).get_json()
    assert listed["meta"]["total"] == 0


def test_numbers_past_our_columns_are_422_or_not_found(client, auth, board):
    headers = auth.a.headers("owner")
    error = error_of(client.get("/api/v1/users?page=4611686018427387904", headers=headers), 422)
    assert "page" in error["details"]
    customer = board.customer()
    error = error_of(client.post("/api/v1/jobs", headers=headers, json={
        "title": "Too far", "customer_id": customer["id"], "project_id": 2**40}), 422)
    assert "project_id" in error["details"]
    assert error_of(client.get("/api/v1/customers/99999999999999999999", headers=headers), 404)
    assert error_of(client.get("/api/v1/customers/0", headers=headers), 404)


def test_datetimes_with_any_offset_or_at_the_calendars_ends_filter_without_error(client, auth):
    headers = auth.a.headers("owner")
    for moment in ("4556-02-29T13:03:53.64205-23:38", "9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00",
                   "2024-01-01T00:00:00"):
        r = client.get("/api/v1/admin/audit-log", headers=headers, query_string={"date_from": moment})
        assert r.status_code == 200, (moment, r.get_json())


def test_json_nested_a_thousand_levels_deep_is_400(client, auth):
    deep = "[" * 1000 + "]" * 1000
    r = client.post("/api/v1/customers", headers=auth.a.headers("owner"), content_type="application/json",
                    data='{"name": "Deep", "city": %s}' % deep)
    assert error_of(r, 400)["code"] == "MALFORMED_JSON"


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_numbers(client, auth, board, number):
    customer = board.customer()
    for field in ("value", "lat", "estimated_duration"):
        r = client.post("/api/v1/jobs", headers=auth.a.headers("owner"), content_type="application/json",
                        data='{"title": "Odd", "customer_id": %d, "%s": %s}' % (customer["id"], field, number))
        assert field in error_of(r, 422)["details"]
    assert board.get("/api/v1/jobs").get_json()["meta"]["total"] == 0
    assert "radius_km" in error_of(client.get(f"/api/v1/technicians?near=40,-74&radius_km={number.lower()}",
                                              headers=auth.a.headers("owner")), 422)["details"]


@pytest.mark.parametrize("content_type,data", [
    ("text/plain", '{"name": "Plain Co"}'), ("application/x-www-form-urlencoded", "name=Form+Co"),
    ("application/xml", "<customer><name>Xml Co</name></customer>"), (None, '{"name": "Bare Co"}'),
])
def test_a_json_route_answers_415_to_another_media_type(client, auth, content_type, data):
    headers = auth.a.headers("owner")
    if content_type:
        headers["Content-Type"] = content_type
    error = error_of(client.post("/api/v1/customers", headers=headers, data=data), 415)
    assert error["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert client.get("/api/v1/customers", headers=auth.a.headers("owner")).get_json()["meta"]["total"] == 0


def test_a_patch_that_changes_nothing_is_422(client, auth, board):
    customer = board.customer()
    for body in ({"data": b""}, {"json": {}}):
        r = client.patch(f"/api/v1/customers/{customer['id']}", headers=auth.a.headers("owner"), **body)
        assert error_of(r, 422)["code"] == "VALIDATION_ERROR"


def test_no_body_at_all_reads_as_an_empty_object(client, auth):
    r = client.post("/api/v1/admin/analytics/refresh", headers=auth.a.headers("owner"))
    assert r.status_code == 202


def test_json_numbers_are_numbers_not_strings(client, auth, board):
    customer = board.customer()
    for field, value in (("customer_id", str(customer["id"])), ("estimated_duration", "60"), ("value", "10.5"),
                         ("estimated_duration", True), ("value", False)):
        body = {"title": "Typed", "customer_id": customer["id"], field: value}
        assert field in error_of(client.post("/api/v1/jobs", headers=auth.a.headers("owner"), json=body), 422)[
            "details"]
    assert board.get("/api/v1/jobs").get_json()["meta"]["total"] == 0


def test_booleans_are_true_or_false_only(client, auth):
    headers = auth.a.headers("owner")
    for value in (0, 1, "true", "yes", None):
        error = error_of(client.post("/api/v1/admin/system/restore", headers=headers,
                                     json={"backup_id": "00000000-0000-0000-0000-000000000000", "dry_run": value}), 422)
        assert "dry_run" in error["details"]
    jobs = client.get("/api/v1/admin/jobs", headers=headers).get_json()
    assert jobs["meta"]["total"] == 0  # nothing was started
    assert "available" in error_of(client.get("/api/v1/technicians?available=1", headers=headers), 422)["details"]
    assert client.get("/api/v1/technicians?available=true", headers=headers).status_code == 200


def test_q_searches_the_audit_log_background_jobs_and_backups(client, auth, board):
    headers = auth.a.headers("owner")
    board.customer("Searchable Plumbing")
    entries = client.get("/api/v1/admin/audit-log?q=customer", headers=headers).get_json()
    assert entries["meta"]["total"] >= 1 and {e["entity_type"] for e in entries["data"]} == {"customer"}
    assert client.get("/api/v1/admin/audit-log?q=no-such-thing", headers=headers).get_json()["meta"]["total"] == 0
    started = client.post("/api/v1/admin/system/backup", headers=headers).get_json()["data"]
    client.post("/api/v1/admin/exports", headers=headers, json={"resource": "customers"})
    found = client.get(f"/api/v1/admin/jobs?q={started['job_id'][:8]}", headers=headers).get_json()
    assert [job["id"] for job in found["data"]] == [started["job_id"]]
    assert client.get("/api/v1/admin/jobs?q=backup", headers=headers).get_json()["meta"]["total"] == 1
    assert client.get(f"/api/v1/admin/system/backups?q={started['job_id']}", headers=headers).get_json()["meta"][
        "total"] == 1
    assert client.get("/api/v1/admin/system/backups?q=zzz", headers=headers).get_json()["meta"]["total"] == 0


def test_a_uri_over_8_kib_is_414_in_the_error_envelope(live_server):
    import requests

    r = requests.get(f"{live_server}/api/v1/jobs?q={'x' * 9000}", timeout=10)
    assert r.status_code == 414
    assert r.json() == {"success": False, "error": {"code": "URI_TOO_LONG", "details": {}, "message": r.json()[
        "error"]["message"]}}

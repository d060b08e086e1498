"""The OpenAPI document is the contract generated clients are built from: it must describe our
envelope, and what each operation really requires and answers."""
import pytest

PUBLIC = {("post", "/api/v1/auth/register"), ("post", "/api/v1/auth/login"), ("post", "/api/v1/auth/refresh"),
          ("get", "/healthz"), ("get", "/readyz"), ("get", "/"), ("get", "/api/v1/files/photo/{token}"),
          ("get", "/api/v1/files/download/{token}"), ("get", "/api/v1/events/stream"),  # a stream ticket instead
          ("get", "/api/v1/mobile/live-updates"),
          ("post", "/api/v1/notifications/receipts")}  # a push's receipt token instead
RATE_LIMITED = {("post", "/api/v1/auth/register"), ("post", "/api/v1/auth/login"), ("post", "/api/v1/auth/refresh"),
                ("post", "/api/v1/admin/exports"), ("post", "/api/v1/admin/system/backup"),
                ("post", "/api/v1/admin/system/restore"), ("post", "/api/v1/admin/analytics/refresh"),
                ("post", "/api/v1/jobs/{job_id}/photos"), ("post", "/api/v1/notifications/receipts")}


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def operations(spec):
    return [(method, path, operation) for path, item in spec["paths"].items()
            for method, operation in item.items() if method != "parameters"]


def resolve(spec, ref_or_object):
    if "$ref" not in ref_or_object:
        return ref_or_object
    kind, name = ref_or_object["$ref"].split("/")[-2:]
    return spec["components"][kind][name]


def test_errors_are_documented_as_our_envelope_not_flask_smorests(spec):
    flask_smorests = {"code", "status", "message", "errors"}
    assert set(spec["components"]["schemas"]["Error"]["properties"]) != flask_smorests
    envelope = spec["components"]["schemas"]["ErrorEnvelope"]
    assert set(envelope["properties"]) == {"success", "error"}
    error = resolve(spec, envelope["properties"]["error"])
    assert set(error["properties"]) == {"code", "message", "details"}
    for method, path, operation in operations(spec):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")) or status == "default":
                schema = resolve(spec, response)["content"]["application/json"]["schema"]
                assert schema["$ref"].split("/")[-1] in ("ErrorEnvelope", "TransitionErrorEnvelope"), (
                    method, path, status)


def test_the_document_points_to_the_repositorys_guides(spec):
    description = spec["info"]["description"]
    assert "docs/api.md" in description and "docs/events.md" in description and "SPEC" not in description


def test_every_operation_has_an_id_a_one_line_summary_and_its_security(spec):
    ids = set()
    for method, path, operation in operations(spec):
        assert operation["operationId"] not in ids
        ids.add(operation["operationId"])
        assert 0 < len(operation["summary"]) <= 90 and "\n" not in operation["summary"], (method, path)
        if (method, path) in PUBLIC:
            assert operation["security"] == [], (method, path)
        else:
            assert "security" not in operation  # the document's default: bearerAuth
    assert spec["security"] == [{"bearerAuth": []}]
    assert len(ids) >= 56


def test_each_operation_declares_the_errors_it_can_return(spec):
    for method, path, operation in operations(spec):
        codes = set(operation["responses"])
        body = operation.get("requestBody")
        expected = {"503"}
        if (method, path) not in PUBLIC:
            expected.add("401")
        if "{" in path:
            expected.add("404")
        if body:
            expected |= {"413", "415", "422"}
        if any(p.get("in") == "query" for p in operation.get("parameters", []) if "name" in p):
            expected.add("422")
        if (method, path) in RATE_LIMITED:
            expected.add("429")
        assert expected <= codes, (method, path, expected - codes)
    transition = spec["paths"]["/api/v1/jobs/{job_id}/status"]["put"]["responses"]["409"]
    schema = transition["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert schema == "TransitionErrorEnvelope"
    assert spec["components"]["responses"]["RateLimited"]["headers"]["Retry-After"]


def test_headers_of_the_conventions_are_declared(spec):
    for method, path, operation in operations(spec):
        names = {resolve(spec, p)["name"] for p in operation.get("parameters", [])}
        assert "X-Request-ID" in names
        successes = {status: resolve(spec, r) for status, r in operation["responses"].items() if status[0] == "2"}
        for status, response in successes.items():
            headers = set(response.get("headers", {}))
            assert "X-Request-ID" in headers, (method, path)
            if status in ("201", "202"):
                assert "Location" in headers, (method, path)
        if method == "get":
            assert "If-None-Match" in names and "304" in operation["responses"]
        if method in ("post", "put", "patch", "delete") and (method, path) not in PUBLIC:
            assert "Idempotency-Key" in names, (method, path)


def test_every_field_is_typed_and_statuses_are_enums(spec):
    schemas = spec["components"]["schemas"]
    for name, schema in schemas.items():
        for field, prop in schema.get("properties", {}).items():
            assert {"type", "$ref", "allOf", "oneOf", "anyOf"} & set(prop), f"{name}.{field}"
    detail = schemas["JobDetail"]["properties"]
    assert detail["status"]["enum"][0] == "pending" and "urgent" in detail["priority"]["enum"]
    assert detail["location"]["$ref"].endswith("JobLocation") and detail["schedule"]["$ref"].endswith("JobSchedule")
    assert detail["attachments"]["items"]["$ref"].endswith("Attachment")
    assert detail["value"]["type"] == "number"
    assert schemas["Started"]["properties"]["status_url"]["type"] == "string"


def test_downloads_declare_their_media_types(spec):
    download = spec["paths"]["/api/v1/admin/jobs/{job_id}/download"]["get"]["responses"]["200"]["content"]
    assert "application/octet-stream" in download
    photo = spec["paths"]["/api/v1/jobs/{job_id}/photos/{photo_id}/{variant}"]["get"]["responses"]["200"]["content"]
    assert {"image/jpeg", "image/png", "image/webp"} <= set(photo)
    upload = spec["paths"]["/api/v1/jobs/{job_id}/photos"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload


def test_every_documented_sort_field_sorts(client, auth, spec):
    headers = auth.a.headers("owner")
    for method, path, operation in operations(spec):
        sort = next((p for p in operation.get("parameters", []) if p.get("name") == "sort"), None)
        if sort is None or "{" in path:  # a nested list (a row's deliveries) needs its row: its own tests sort it
            continue
        names = sort["description"].split("fields: ")[1].split(", ")
        for name in names:
            for spelled in (name, f"-{name}"):
                r = client.get(f"{path}?sort={spelled}", headers=headers)
                assert r.status_code == 200, (path, spelled, r.get_json())


def test_the_index_links_to_what_a_newcomer_looks_for(client):
    for index in ("/", "/api/v1", "/api/v1/", "/api"):
        links = client.get(index).get_json()["data"]["links"]
        assert links["docs"] == "/api/v1/docs"
        for url in links.values():
            assert client.get(url).status_code == 200, url
    docs = client.get("/api/v1/docs").get_data(as_text=True)
    assert '"persistAuthorization": true' in docs.replace("True", "true")


def test_a_201_says_where_the_created_resource_is(client, auth):
    headers = auth.a.headers("owner")
    created = client.post("/api/v1/customers", headers=headers, json={"name": "Located Co"})
    assert created.status_code == 201
    assert client.get(created.headers["Location"], headers=headers).get_json()["data"] == created.get_json()["data"]
    user = client.post("/api/v1/users", headers=headers, json={"email": "loc@alpha.test", "name": "Loc",
                                                               "password": "password-1", "role": "technician"})
    assert client.get(user.headers["Location"], headers=headers).get_json()["data"]["email"] == "loc@alpha.test"

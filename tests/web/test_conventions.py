"""The HTTP conventions (docs/api.md) as a client sees them."""
import gzip
import json


def error_of(response):
    body = response.get_json()
    assert body["success"] is False
    assert set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_success_envelope_and_list_meta(client, auth):
    r = client.get("/api/v1/users?per_page=3", headers=auth.a.headers("admin"))
    assert r.status_code == 200
    body = r.get_json()
    assert body["success"] is True
    assert len(body["data"]) == 3
    assert body["meta"] == {"total": 7, "per_page": 3, "current_page": 1, "last_page": 3}


def test_pagination_sort_search_and_filters(client, auth):
    headers = auth.a.headers("admin")
    page2 = client.get("/api/v1/users?per_page=3&page=3&sort=email", headers=headers).get_json()
    assert [u["email"] for u in page2["data"]] == ["vendor@alpha.test"]
    by_name_desc = client.get("/api/v1/users?sort=-name", headers=headers).get_json()["data"]
    assert [u["name"] for u in by_name_desc] == sorted((u["name"] for u in by_name_desc), reverse=True)
    found = client.get("/api/v1/users?q=dispatch", headers=headers).get_json()
    assert [u["role"] for u in found["data"]] == ["dispatcher"]
    several = client.get("/api/v1/users?role=technician,customer", headers=headers).get_json()
    assert sorted(u["role"] for u in several["data"]) == ["customer", "technician"]


def test_per_page_is_capped_and_bad_sort_is_422(client, auth):
    headers = auth.a.headers("admin")
    too_big = client.get("/api/v1/users?per_page=101", headers=headers)
    assert too_big.status_code == 422
    assert "per_page" in error_of(too_big)["details"]
    bad_sort = client.get("/api/v1/users?sort=password_hash", headers=headers)
    assert bad_sort.status_code == 422
    assert "sort" in error_of(bad_sort)["details"]


def test_unknown_route_and_wrong_method_use_the_error_envelope(client):
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404 and error_of(r)["code"] == "NOT_FOUND"
    r = client.get("/nowhere")
    assert r.status_code == 404 and error_of(r)["code"] == "NOT_FOUND"
    r = client.delete("/api/v1/auth/login")
    assert r.status_code == 405 and error_of(r)["code"] == "METHOD_NOT_ALLOWED"


def test_unexpected_error_is_a_500_envelope_without_internals(client):
    r = client.get("/api/v1/_test/boom")
    assert r.status_code == 500
    error = error_of(r)
    assert error["code"] == "INTERNAL_ERROR"
    assert "unexpected bug" not in json.dumps(error)


def test_an_unreachable_database_is_a_503_to_retry_not_a_500(client):
    r = client.get("/api/v1/_test/database-down")
    assert r.status_code == 503 and r.headers["Retry-After"] == "5"
    assert error_of(r)["code"] == "SERVICE_UNAVAILABLE" and "127.0.0.1" not in json.dumps(error_of(r))


def test_validation_errors_map_fields_to_messages(client):
    r = client.post("/api/v1/auth/register", json={"organization_name": "", "email": "not-an-email",
                                                    "password": "short", "is_admin": True})
    assert r.status_code == 422
    details = error_of(r)["details"]
    assert {"organization_name", "email", "password", "name", "is_admin"} <= set(details)


def test_malformed_json_is_400(client):
    r = client.post("/api/v1/auth/login", data="{not json", content_type="application/json")
    assert r.status_code == 400
    assert error_of(r)["code"] == "MALFORMED_JSON"


def test_nul_bytes_are_refused_with_422_and_nothing_changes(client, auth):
    headers = auth.a.headers("admin")
    r = client.post("/api/v1/users", headers=headers, json={"email": "nul@alpha.test", "name": "Nul\x00Name",
                                                             "password": "password-1", "role": "technician"})
    assert r.status_code == 422
    assert "name" in error_of(r)["details"]
    assert client.get("/api/v1/users?q=nul@", headers=headers).get_json()["meta"]["total"] == 0


def test_api_alias_and_optional_trailing_slash(client, auth):
    headers = auth.a.headers("admin")
    canonical = client.get("/api/v1/users", headers=headers)
    for path in ("/api/users", "/api/users/", "/api/v1/users/"):
        aliased = client.get(path, headers=headers)
        assert aliased.status_code == 200, path
        assert aliased.get_json() == canonical.get_json()
    me = client.get(f"/api/users/{auth.a.user_ids['admin']}", headers=headers)
    assert me.get_json()["data"]["email"] == "admin@alpha.test"


def test_gzip_when_accepted(client, auth):
    r = client.get("/api/v1/users", headers=auth.a.headers("admin", **{"Accept-Encoding": "gzip"}))
    assert r.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(r.data))["success"] is True
    plain = client.get("/api/v1/users", headers=auth.a.headers("admin"))
    assert "Content-Encoding" not in plain.headers


def test_etag_and_304(client, auth):
    headers = auth.a.headers("admin")
    first = client.get("/api/v1/users", headers=headers)
    etag = first.headers["ETag"]
    assert client.get("/api/v1/users", headers={**headers, "If-None-Match": etag}).status_code == 304
    # the ETag survives compression, so a gzip client revalidates too
    gz = client.get("/api/v1/users", headers={**headers, "Accept-Encoding": "gzip"})
    assert gz.headers["ETag"] == etag
    client.patch(f"/api/v1/users/{auth.a.user_ids['technician']}", headers=headers, json={"name": "Renamed"})
    changed = client.get("/api/v1/users", headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_request_id_is_echoed_or_generated(client):
    r = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert r.headers["X-Request-ID"] == "abc-123"
    generated = client.get("/healthz").headers["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz", headers={"X-Request-ID": "bad id <script>"}).headers["X-Request-ID"] != "bad id <script>"


def test_cors_preflight(client):
    r = client.options("/api/v1/users", headers={"Origin": "https://console.example",
                                                  "Access-Control-Request-Method": "GET"})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] in ("*", "https://console.example")


def test_openapi_and_offline_docs(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["info"]["title"] == "FieldOps API"
    assert "/api/v1/users" in spec["paths"]
    user_list = spec["paths"]["/api/v1/users"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert user_list["$ref"].endswith("UserPage")
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.get_data(as_text=True)
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert client.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/v1/docs/assets/swagger-ui.css").status_code == 200


def test_health_probes(client):
    assert client.get("/healthz").get_json()["data"]["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    checks = ready.get_json()["data"]["checks"]
    assert checks["database"]["ok"] and checks["redis"]["ok"]

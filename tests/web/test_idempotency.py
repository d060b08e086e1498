"""Idempotency-Key on mutating requests (docs/api.md)."""
import threading

from models.ops import idempotency


def new_user(email="idem@alpha.test"):
    return {"email": email, "name": "Idem", "password": "password-1", "role": "technician"}


def count_users(client, auth, email):
    return client.get(f"/api/v1/users?q={email}", headers=auth.a.headers("admin")).get_json()["meta"]["total"]


def test_same_key_same_body_replays_the_first_response(client, auth):
    headers = auth.a.headers("admin", **{"Idempotency-Key": "k-1"})
    first = client.post("/api/v1/users", headers=headers, json=new_user())
    second = client.post("/api/v1/users", headers=headers, json=new_user())
    assert first.status_code == second.status_code == 201
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert second.get_json() == first.get_json()
    assert count_users(client, auth, "idem@") == 1


def test_same_key_other_body_is_422(client, auth):
    headers = auth.a.headers("admin", **{"Idempotency-Key": "k-2"})
    client.post("/api/v1/users", headers=headers, json=new_user())
    r = client.post("/api/v1/users", headers=headers, json=new_user("other@alpha.test"))
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert count_users(client, auth, "other@") == 0


def test_keys_are_scoped_per_user(client, auth):
    key = {"Idempotency-Key": "shared"}
    a = client.post("/api/v1/users", headers=auth.a.headers("admin", **key), json=new_user("one@alpha.test"))
    b = client.post("/api/v1/users", headers=auth.a.headers("owner", **key), json=new_user("two@alpha.test"))
    assert a.status_code == b.status_code == 201
    assert "Idempotent-Replayed" not in b.headers


def test_key_in_use_by_a_running_request_is_409(app, client, auth):
    body = new_user()
    headers = auth.a.headers("admin", **{"Idempotency-Key": "k-3"})
    with app.test_request_context("/api/v1/users", method="POST", json=body):
        from flask import request

        print_ = idempotency.fingerprint("POST", "/api/v1/users", request.get_data())
        assert idempotency.claim(auth.a.user_ids["admin"], "k-3", print_) is None  # a first request is running
    r = client.post("/api/v1/users", headers=headers, json=body)
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "IDEMPOTENCY_IN_PROGRESS"


def test_concurrent_requests_with_one_key_create_one_user(app, auth):
    headers = auth.a.headers("admin", **{"Idempotency-Key": "race"})
    results = []

    def send():
        results.append(app.test_client().post("/api/v1/users", headers=headers, json=new_user("race@alpha.test")))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(r.status_code for r in results)
    assert statuses.count(201) >= 1 and set(statuses) <= {201, 409}
    originals = [r for r in results if r.status_code == 201 and "Idempotent-Replayed" not in r.headers]
    assert len(originals) == 1
    assert count_users(app.test_client(), auth, "race@") == 1


def test_client_errors_are_replayed_but_server_errors_may_be_retried(client, auth):
    headers = auth.a.headers("admin", **{"Idempotency-Key": "k-4"})
    failed = client.post("/api/v1/_test/write-then-fail", headers=headers)
    assert failed.status_code == 409
    again = client.post("/api/v1/_test/write-then-fail", headers=headers)
    assert again.status_code == 409 and again.headers.get("Idempotent-Replayed") == "true"

    headers = auth.a.headers("admin", **{"Idempotency-Key": "k-5"})
    assert client.post("/api/v1/_test/crash", headers=headers).status_code == 500
    retried = client.post("/api/v1/_test/crash", headers=headers)
    assert retried.status_code == 500 and "Idempotent-Replayed" not in retried.headers

"""Webhook deliveries end to end, with a real worker and a local receiver that verifies signatures: one signed
POST per event, retries with the same `webhook-id`, replay, auto-disable, SSRF at send time, no redirects."""
import pytest

from tests.support.dispatch import Board
from tests.support.waiting import wait_for
from tests.support.webhook_receiver import WebhookReceiver

PATH = "/api/v1/admin/webhooks"


@pytest.fixture
def fast_retries(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_RETRY_SCHEDULE", "1,1,1")


@pytest.fixture
def admin(client, auth):
    headers = auth.a.headers("admin")

    def send(method, path, body=None):
        answer = client.open(f"{PATH}{path}", method=method, headers=headers, json=body)
        return answer.status_code, (answer.get_json() or {}).get("data")

    return send


def register(admin, receiver, events=("*",)):
    status, endpoint = admin("POST", "", {"url": receiver.url, "events": list(events)})
    assert status == 201, endpoint
    receiver.secret = endpoint["secret"]
    return endpoint


def delivery_ended(admin, delivery_id, *statuses):
    def ended():
        _, delivery = admin("GET", f"/deliveries/{delivery_id}")
        return delivery if delivery["status"] in statuses else None
    return wait_for(ended, timeout=20)


def only_delivery(admin, endpoint_id):
    _, deliveries = admin("GET", f"/{endpoint_id}/deliveries")
    assert len(deliveries) == 1
    return deliveries[0]


def test_a_job_status_change_reaches_the_receiver_signed(worker, client, auth, admin, fast_retries):
    board = Board(client, auth.a)
    job = board.job(board.customer()["id"])
    with WebhookReceiver() as receiver:
        endpoint = register(admin, receiver, events=["job.status.updated"])
        assert board.move(job["id"], "scheduled").status_code == 200
        wait_for(lambda: receiver.received)
        delivery = delivery_ended(admin, only_delivery(admin, endpoint["id"])["id"], "sent")
    [got] = receiver.received
    assert got.verified and got.headers["content-type"] == "application/json"
    assert got.headers["webhook-id"] == delivery["event_id"] and got.headers["webhook-id"].startswith("msg_")
    assert got.headers["user-agent"].startswith("FieldOps")
    assert got.payload["type"] == "job.status.updated" and got.payload["timestamp"].endswith("Z")
    data = got.payload["data"]
    assert (data["job_id"], data["old_status"], data["new_status"]) == (job["id"], "pending", "scheduled")
    assert data["updated_by"] == auth.a.user_ids["dispatcher"] and data["timestamp"].endswith("Z")
    assert delivery["attempts"] == 1 and delivery["response_status"] == 200


def test_unsubscribed_events_and_other_organizations_send_nothing(worker, client, auth, admin):
    board = Board(client, auth.b)
    job = board.job(board.customer()["id"])
    with WebhookReceiver() as receiver:
        endpoint = register(admin, receiver, events=["crm.*"])
        assert board.move(job["id"], "scheduled").status_code == 200
        _, deliveries = admin("GET", f"/{endpoint['id']}/deliveries")
    assert deliveries == [] and receiver.received == []


def test_retried_until_it_succeeds_with_one_webhook_id_then_replayed(worker, admin, fast_retries):
    with WebhookReceiver(answers=[500, 500], then=200) as receiver:
        endpoint = register(admin, receiver)
        status, queued = admin("POST", f"/{endpoint['id']}/test")
        assert status == 202 and queued["event_type"] == "webhook.test"
        delivery = delivery_ended(admin, queued["id"], "sent")
        assert len(receiver.received) == 3
        assert {r.headers["webhook-id"] for r in receiver.received} == {delivery["event_id"]}
        assert all(r.verified for r in receiver.received)
        assert [a["response_status"] for a in delivery["attempt_log"]] == [500, 500, 200]
        assert [a["outcome"] for a in delivery["attempt_log"]] == ["retry", "retry", "sent"]
        first = delivery["attempt_log"][0]
        assert first["response_body"] == "no thanks" and first["duration_ms"] is not None
        assert first["request_headers"]["webhook-id"] == delivery["event_id"]
        assert not any("whsec_" in value for value in first["request_headers"].values())
        assert delivery["request_body"]["type"] == "webhook.test"

        status, _ = admin("POST", f"/deliveries/{delivery['id']}/replay")
        assert status == 202
        wait_for(lambda: len(receiver.received) == 4)
        replayed = delivery_ended(admin, delivery["id"], "sent")
    assert receiver.received[3].headers["webhook-id"] == delivery["event_id"] and receiver.received[3].verified
    wait_for(lambda: len(delivery_ended(admin, delivery["id"], "sent")["attempt_log"]) == 4)
    assert replayed["status"] == "sent"
    _, shown = admin("GET", f"/{endpoint['id']}")
    assert shown["consecutive_failures"] == 0


def test_endpoint_disabled_after_failed_deliveries_in_a_row(worker, app, admin, client, auth, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_RETRY_SCHEDULE", "")  # one attempt each
    monkeypatch.setitem(app.config, "WEBHOOK_DISABLE_AFTER", 2)
    with WebhookReceiver(then=500) as receiver:
        endpoint = register(admin, receiver)
        _, first = admin("POST", f"/{endpoint['id']}/test")
        delivery_ended(admin, first["id"], "failed")
        _, shown = admin("GET", f"/{endpoint['id']}")
        assert shown["is_active"] is True and shown["consecutive_failures"] == 1
        _, second = admin("POST", f"/{endpoint['id']}/test")
        delivery_ended(admin, second["id"], "failed")
        _, shown = admin("GET", f"/{endpoint['id']}")
        assert shown["is_active"] is False and "2 deliveries in a row failed" in shown["disabled_reason"]
        told = client.get("/api/v1/notifications?kind=webhook.endpoint_disabled",
                          headers=auth.a.headers("owner")).get_json()["data"]
        assert [n["url"] for n in told] == [f"/admin/webhooks/{endpoint['id']}"]  # the admins are told, once
        assert admin("POST", f"/{endpoint['id']}/test")[0] == 409
        _, enabled = admin("PATCH", f"/{endpoint['id']}", {"is_active": True})
        assert enabled["is_active"] is True and enabled["consecutive_failures"] == 0
    assert len(receiver.received) == 2


def test_a_stored_private_address_is_refused_at_send_time(worker, app, admin, monkeypatch):
    with WebhookReceiver() as receiver:
        endpoint = register(admin, receiver)
        monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE", False)
        _, queued = admin("POST", f"/{endpoint['id']}/test")
        delivery = delivery_ended(admin, queued["id"], "failed")
    assert receiver.received == []
    assert "not public" in delivery["last_error"] and delivery["attempt_log"][0]["response_status"] is None


def test_a_redirect_is_not_followed(worker, app, admin, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_RETRY_SCHEDULE", "")
    with WebhookReceiver() as elsewhere, WebhookReceiver(then=302, location=None) as receiver:
        receiver.location = elsewhere.url
        endpoint = register(admin, receiver)
        _, queued = admin("POST", f"/{endpoint['id']}/test")
        delivery = delivery_ended(admin, queued["id"], "failed")
    assert len(receiver.received) == 1 and elsewhere.received == []
    assert delivery["response_status"] == 302 and "redirect" in delivery["last_error"]

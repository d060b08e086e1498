"""A worker machine dies mid-send: the mail, push or webhook has reached the far side, the worker is killed
before it can record that. The broker hands the unacknowledged message to a new worker after the
visibility timeout, and that delivery of the task sends nothing: the delivery row, claimed before the
send, is the lock (docs/notifications.md#exactly-once).

A module of its own: its workers must be the only consumers of the notifications queue."""
import os
import signal
import time

import pytest

from tests.support.notify import Notices
from tests.support.processes import start_worker_machine, stop
from tests.support.push import Devices
from tests.support.push_service import PushService
from tests.support.smtp_server import SmtpServer
from tests.support.waiting import wait_for
from tests.support.webhook_receiver import WebhookReceiver

VISIBILITY_SECONDS = 3
QUEUE = "notifications"


def kill_machine(proc) -> None:
    os.killpg(proc.pid, signal.SIGKILL)  # parent and pool process at once: nobody hands the message back
    proc.wait(timeout=10)


def broker_is_idle(redis_client) -> bool:
    """Nothing waiting in the queue, nothing handed out and unacknowledged."""
    return redis_client.llen(QUEUE) == 0 and redis_client.hlen("unacked") == 0


def die_mid_send_then_redeliver(app, redis_client, hold, start_send, env):
    """Start a send that reaches `hold`'s server, kill the worker there, let a second worker take the
    redelivered message up, and return once it has been consumed and acknowledged."""
    hold.arm()
    doomed = start_worker_machine(app, "doomed", [QUEUE], BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_SECONDS), **env)
    try:
        start_send()
        hold.wait_until_reached()
        kill_machine(doomed)
    finally:
        hold.release()
        if doomed.poll() is None:
            stop(doomed)
    assert redis_client.hlen("unacked") == 1  # the broker still holds the message, unacknowledged

    time.sleep(VISIBILITY_SECONDS + 1)
    replacement = start_worker_machine(app, "replacement", [QUEUE],
                                       BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_SECONDS), **env)
    try:
        wait_for(lambda: broker_is_idle(redis_client), timeout=60)
        time.sleep(1)  # a second send, had there been one, would have reached the fake by now
    finally:
        stop(replacement)


@pytest.fixture
def quiet_broker(celery_app, redis_client):
    celery_app.control.purge()
    redis_client.delete("unacked", "unacked_index")
    yield
    redis_client.delete("unacked", "unacked_index")


def test_a_mail_whose_worker_died_mid_send_is_not_sent_again(app, client, auth, redis_client, quiet_broker):
    notices = Notices(client, auth.a)
    with SmtpServer() as relay:
        started = {}

        def send():
            (started["id"],) = notices.sent(recipients={"user_ids": [auth.a.user_ids["support"]]},
                                            title="Once only", channels=["email"])

        die_mid_send_then_redeliver(app, redis_client, relay.hold, send, {"SMTP_URL": relay.url})
        assert [m.subject for m in relay.messages] == ["Once only"]
    (delivery,) = notices.detail(started["id"]).get_json()["data"]["deliveries"]
    # Still marked as being sent: beat queues it again only once the visibility timeout says its worker is gone.
    assert delivery["status"] == "sending" and delivery["attempts"] == 1


def test_a_webhook_whose_worker_died_mid_send_is_not_sent_again(app, client, auth, redis_client, quiet_broker):
    headers = auth.a.headers("admin")
    with WebhookReceiver() as receiver:
        r = client.post("/api/v1/admin/webhooks", headers=headers, json={"url": receiver.url, "events": ["*"]})
        assert r.status_code == 201, r.get_json()
        endpoint = r.get_json()["data"]
        receiver.secret = endpoint["secret"]
        started = {}

        def send():
            answer = client.post(f"/api/v1/admin/webhooks/{endpoint['id']}/test", headers=headers)
            assert answer.status_code == 202, answer.get_json()
            started["id"] = answer.get_json()["data"]["id"]

        die_mid_send_then_redeliver(app, redis_client, receiver.hold, send,
                                    {"WEBHOOK_ALLOW_HTTP": "1", "WEBHOOK_ALLOW_PRIVATE": "1"})
        assert len(receiver.received) == 1 and receiver.received[0].verified
    shown = client.get(f"/api/v1/admin/webhooks/deliveries/{started['id']}", headers=headers).get_json()["data"]
    assert shown["status"] == "sending" and shown["attempts"] == 1


def test_a_push_whose_worker_died_mid_send_is_not_sent_again(app, client, auth, redis_client, quiet_broker):
    notices = Notices(client, auth.a)
    with PushService() as service:
        subscription = service.subscribe(201)
        Devices(client, auth.a).add("technician", subscription)
        started = {}

        def send():
            (started["id"],) = notices.sent(recipients={"user_ids": [auth.a.user_ids["technician"]]},
                                            title="Once only", channels=["push"])

        die_mid_send_then_redeliver(app, redis_client, service.hold, send,
                                    {"VAPID_PRIVATE_KEY": app.config["VAPID_PRIVATE_KEY"],
                                     "PUSH_ALLOW_HTTP_ENDPOINTS": "1", "PUSH_ALLOW_PRIVATE_ENDPOINTS": "1"})
        assert [p["title"] for p in service.delivered(subscription)] == ["Once only"]
    (delivery,) = notices.detail(started["id"]).get_json()["data"]["deliveries"]
    assert delivery["status"] == "sending" and delivery["attempts"] == 1

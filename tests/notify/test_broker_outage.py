"""Redis is down when the change commits: its deliveries wait in the outbox, and go out once beat's
relay finds Redis back (docs/notifications.md). Nothing is lost, nothing sent twice."""
import time

from models.ops import outbox
from models.ops.outbox import OutboxMessage
from scripts.services import free_port
from tasks import make_celery, publisher
from tasks.maintenance import relay_outbox
from tests.support.notify import Notices
from tests.support.smtp_server import SmtpServer
from tests.support.waiting import wait_for
from tests.support.webhook_receiver import WebhookReceiver


def test_deliveries_committed_while_redis_is_down_go_out_once_it_is_back(app, client, auth, db, worker, celery_app,
                                                                          monkeypatch):
    headers = auth.a.headers("admin")
    notices = Notices(client, auth.a)
    with WebhookReceiver() as receiver, SmtpServer() as relay:
        monkeypatch.setitem(app.config, "SMTP_URL", relay.url)
        endpoint = client.post("/api/v1/admin/webhooks", headers=headers,
                               json={"url": receiver.url, "events": ["webhook.test"]}).get_json()["data"]
        receiver.secret = endpoint["secret"]

        outbox.set_publisher(publisher(make_celery(app, f"redis://127.0.0.1:{free_port()}/0")))  # Redis is down
        try:
            test = client.post(f"/api/v1/admin/webhooks/{endpoint['id']}/test", headers=headers)
            sent = notices.send(recipients={"user_ids": [auth.a.user_ids["support"]]}, title="Through the outage",
                                channels=["email"])
        finally:
            outbox.set_publisher(publisher(celery_app))  # ...and back
        assert test.status_code == 202 and sent.status_code == 202  # the requests succeed regardless
        db.session.rollback()
        assert db.session.query(OutboxMessage).count() == 2  # both tasks kept, neither lost
        time.sleep(1)
        assert receiver.received == [] and relay.messages == []

        assert relay_outbox.run() == 2  # beat's relay, with Redis back
        relay.wait_for(1)
        wait_for(lambda: len(receiver.received) == 1, timeout=20)
        assert receiver.received[0].verified and relay.messages[0].subject == "Through the outage"
        time.sleep(1)
        assert len(receiver.received) == 1 and len(relay.messages) == 1  # once each

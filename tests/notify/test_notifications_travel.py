"""Notifications in the demo data, in exports and through a backup and restore (docs/notifications.md)."""
import csv
import io
import time
from datetime import timedelta

from models.core.db import utcnow
from tests.support.backups import backup, restore
from tests.support.exports import exported
from tests.support.notify import ADMIN, Notices
from tests.support.waiting import wait_for

DEMO_PASSWORD = "demo-password-1"


def test_seed_demo_brings_an_inbox_with_some_read(app, client):
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    login = client.post("/api/v1/auth/login", json={"email": "tech@demo.fieldops.test", "password": DEMO_PASSWORD})
    headers = {"Authorization": f"Bearer {login.get_json()['data']['access_token']}"}
    inbox = client.get("/api/v1/notifications", headers=headers).get_json()["data"]
    assert len(inbox) == 3 and sum(item["read_at"] is None for item in inbox) == 2
    assert client.get("/api/v1/notifications/unread-count", headers=headers).get_json()["data"] == {"count": 2}


def test_the_notifications_export_lists_what_was_sent(client, auth, worker):
    notices = Notices(client, auth.a)
    nid = notices.to("technician", "Exported")
    _job, text, _response = exported(client, auth.a, "notifications", status=["sent"])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(int(r["id"]), r["title"], r["recipient_name"], r["status"]) for r in rows] == [
        (nid, "Exported", "Alpha Technician", "sent")]


def test_a_restored_delivery_still_to_send_is_sent(client, auth, worker):
    notices = Notices(client, auth.a)
    soon = (utcnow() + timedelta(seconds=2)).isoformat().replace("+00:00", "Z")
    (nid,) = notices.sent(recipients={"user_ids": [auth.a.user_ids["technician"]]}, title="Kept", send_at=soon)
    taken = backup(client, auth.a)  # the notification still scheduled, its delivery queued
    assert client.post(f"{ADMIN}/{nid}/cancel", headers=auth.a.headers()).status_code == 200
    time.sleep(3)  # its time passes: the message sent for it finds it cancelled and does nothing
    assert notices.inbox("technician") == []

    assert restore(client, auth.a, taken["id"])["status"] == "succeeded"
    wait_for(lambda: notices.inbox("technician"), timeout=20)  # queued again by the restore, and sent
    assert [n["title"] for n in notices.inbox("technician")] == ["Kept"]

"""Notifications in the demo data and in exports (docs/notifications.md)."""
import csv
import io

from tests.support.exports import exported
from tests.support.notify import Notices

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

"""Other domains' events notify the people concerned: an assigned technician, an export's starter,
an activity's assignee (docs/notifications.md)."""
from datetime import datetime, timedelta, timezone

from models.core import context
from models.crm.activity import send_due_reminders
from tests.support.crm import Desk
from tests.support.dispatch import Board
from tests.support.exports import exported
from tests.support.notify import Notices


def test_assigning_a_job_notifies_its_technician(client, auth):
    board, notices = Board(client, auth.a), Notices(client, auth.a)
    tech = board.technician("Terry Tech", user_id=auth.a.user_ids["technician"])
    other = board.technician("Other Tech")
    job = board.job(board.customer()["id"], "Boiler repair", priority="urgent")
    assert board.assign(job["id"], tech["id"]).status_code == 200
    (item,) = notices.inbox("technician")
    assert item["kind"] == "job.assigned" and "Boiler repair" in item["title"] and item["priority"] == "high"
    assert item["data"] == {"job_id": job["id"]} and item["url"] == f"/jobs/{job['id']}"
    board.assign(job["id"], other["id"])  # its technician has no account: nobody to tell
    assert len(notices.inbox("technician")) == 1 and notices.inbox("dispatcher") == []


def test_a_finished_export_notifies_its_starter(client, auth, worker):
    job, _text, _response = exported(client, auth.a, "users")
    (item,) = Notices(client, auth.a).inbox("admin")
    assert item["kind"] == "background_job.finished" and item["title"] == "Your export is ready"
    assert item["data"] == {"job_id": job["id"], "kind": "export", "status": "succeeded"}


def test_a_due_activity_reminds_its_assignee(client, auth, db):
    now = datetime.now(timezone.utc)
    desk = Desk(client, auth.a)
    desk.activity("Call the landlord", scheduled_at=(now + timedelta(minutes=10)).isoformat(),
                  assigned_to=auth.a.user_ids["support"])
    with context.as_system():
        assert send_due_reminders(now) == 1
        db.session.commit()
    notices = Notices(client, auth.a)
    (item,) = notices.inbox("support")
    assert item["kind"] == "crm.activity_reminder" and item["title"] == "Call the landlord"
    detail = notices.detail(item["id"]).get_json()["data"]
    assert sorted(d["channel"] for d in detail["deliveries"]) == ["email", "in_app"]

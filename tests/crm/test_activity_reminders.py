"""The reminder of calls and meetings about to start: claimed once across organizations, announced
after commit (ActivityReminderDue), and again after a reschedule."""
from datetime import datetime, timedelta, timezone

import pytest

from models.core import context, events
from models.crm.activity import send_due_reminders
from models.crm.events import ActivityReminderDue
from tasks.crm import send_activity_reminders
from tests.support.crm import Desk

NOW = datetime(2030, 6, 1, 12, 0, tzinfo=timezone.utc)
RECEIVED: list = []
events.subscribe(ActivityReminderDue, RECEIVED.append)


def iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture(autouse=True)
def received():
    RECEIVED.clear()
    yield RECEIVED
    RECEIVED.clear()


@pytest.fixture
def desk(client, auth):
    return Desk(client, auth.a)


def run(db, now=NOW) -> int:
    with context.as_system():
        count = send_due_reminders(now)
        db.session.commit()
    return count


def test_calls_and_meetings_within_fifteen_minutes_once(desk, client, auth, db, received):
    user = auth.a.user_ids["support"]
    edge = desk.activity("Edge call", scheduled_at=iso(NOW + timedelta(minutes=15)), assigned_to=user)
    meeting = desk.activity("Site meeting", activity_type="meeting", scheduled_at=iso(NOW + timedelta(minutes=5)))
    theirs = Desk(client, auth.b).activity("Their call", scheduled_at=iso(NOW + timedelta(minutes=10)))
    for title, kind, delta, status in (("Too far", "call", timedelta(minutes=15, seconds=1), "scheduled"),
                                       ("Started", "call", -timedelta(minutes=1), "scheduled"),
                                       ("An email", "email", timedelta(minutes=5), "scheduled"),
                                       ("A task", "task", timedelta(minutes=5), "scheduled"),
                                       ("Under way", "call", timedelta(minutes=5), "in_progress"),
                                       ("Cancelled", "meeting", timedelta(minutes=5), "cancelled")):
        desk.activity(title, activity_type=kind, scheduled_at=iso(NOW + delta), status=status)
    assert run(db) == 3
    assert sorted((e.organization_id, e.activity_id, e.title) for e in received) == sorted([
        (auth.a.org_id, edge["id"], "Edge call"), (auth.a.org_id, meeting["id"], "Site meeting"),
        (auth.b.org_id, theirs["id"], "Their call")])
    announced = next(e for e in received if e.activity_id == edge["id"])
    assert announced.assigned_to_id == user and announced.scheduled_at == NOW + timedelta(minutes=15)
    assert run(db) == 0 and len(received) == 3  # claimed: a later run (or one overlapping) finds none


def test_rescheduling_gets_a_new_reminder(desk, db, received):
    call = desk.activity(scheduled_at=iso(NOW + timedelta(minutes=10)))
    assert run(db) == 1
    same = desk.send("PATCH", f"/api/activities/{call['id']}", {"scheduled_at": iso(NOW + timedelta(minutes=10))})
    assert same.status_code == 200 and run(db) == 0
    later = NOW + timedelta(days=1)
    assert desk.send("PATCH", f"/api/activities/{call['id']}", {"scheduled_at": iso(later)}).status_code == 200
    assert run(db) == 0 and run(db, later - timedelta(minutes=14)) == 1
    assert [e.scheduled_at for e in received] == [NOW + timedelta(minutes=10), later]


def test_nothing_is_announced_when_the_run_rolls_back(desk, db, received):
    desk.activity(scheduled_at=iso(NOW + timedelta(minutes=10)))
    with context.as_system():
        assert send_due_reminders(NOW) == 1
        db.session.rollback()
    assert received == [] and run(db) == 1 and len(received) == 1


def test_the_beat_task(desk, app, received):
    desk.activity("Soon", scheduled_at=iso(datetime.now(timezone.utc) + timedelta(minutes=10)))
    with app.app_context():
        assert send_activity_reminders() == {"reminded": 1}
    assert [e.title for e in received] == ["Soon"]

"""Activities: each type's own fields, URLs, completed_at, customer_name following renames,
complete/cancel, stats, upcoming and overdue at their edges, DRF spellings, tenancy, roles."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from models.core import context
from models.crm import activity as activities
from models.crm.activity import TYPE_FIELDS, Activity
from models.identity import Organization
from tests.support.crm import Desk
from tests.support.dispatch import Board

# A value of each type's fields, as a client would send it.
SAMPLES = {
    "phone_number": "+15550123", "call_duration": 300, "call_recording_url": "https://rec.example.test/1.mp3",
    "email_subject": "Quote", "email_body": "Please find the quote.",
    "email_attachments": ["https://files.example.test/quote.pdf"],
    "telegram_username": "@dana", "telegram_chat_id": "-100123456789",
    "meeting_location": "Head office", "meeting_url": "https://meet.example.test/abc", "attendees": ["Dana", "Lee"],
    "task_priority": "high", "task_due_date": "2030-06-01",
    "is_pinned": True,
}
NOW = datetime(2030, 6, 1, 12, 0, tzinfo=timezone.utc)


def iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def desk(client, auth):
    return Desk(client, auth.a)


@pytest.mark.parametrize("kind", list(TYPE_FIELDS))
def test_each_type_takes_its_own_fields_and_refuses_the_others(desk, kind):
    own = {name: SAMPLES[name] for name in TYPE_FIELDS[kind]}
    made = desk.activity(activity_type=kind, **own)
    assert {name: made[name] for name in own} == own
    assert all(made[name] is None for name in SAMPLES if name not in own and name != "is_pinned")
    for other, fields in TYPE_FIELDS.items():
        if other == kind:
            continue
        for name in fields:
            for method, path in (("POST", "/api/activities"), ("PUT", f"/api/activities/{made['id']}")):
                answer = desk.send(method, path, {"title": "X", "activity_type": kind, name: SAMPLES[name]})
                assert answer.status_code == 422 and answer.get_json()["error"]["details"][name] == [
                    f"not a field of a {kind} activity"], (method, name)
            answer = desk.send("PATCH", f"/api/activities/{made['id']}", {name: SAMPLES[name]})
            assert answer.status_code == 422 and name in answer.get_json()["error"]["details"]


def test_a_new_type_clears_the_old_ones_fields(desk):
    call = desk.activity(phone_number="+15550123", call_duration=60)
    assert desk.send("PATCH", f"/api/activities/{call['id']}", {"phone_number": "+1999"}).status_code == 200
    moved = desk.send("PATCH", f"/api/activities/{call['id']}", {"activity_type": "note"}).get_json()["data"]
    assert moved["phone_number"] is None and moved["call_duration"] is None and moved["is_pinned"] is False
    meeting = desk.send("PATCH", f"/api/activities/{call['id']}",
                        {"activity_type": "meeting", "attendees": ["Dana"]}).get_json()["data"]
    assert meeting["attendees"] == ["Dana"] and meeting["is_pinned"] is None


@pytest.mark.parametrize("field, value", [
    ("call_recording_url", "ftp://rec.example.test/1.mp3"), ("call_recording_url", "javascript:alert(1)"),
    ("call_recording_url", "rec.example.test/1.mp3"), ("meeting_url", "file:///etc/passwd"),
    ("email_attachments", ["https://ok.test/a.pdf", "mailto:x@y.test"]), ("call_duration", -1)])
def test_urls_are_http_and_durations_not_negative(desk, field, value):
    kind = next(kind for kind, fields in TYPE_FIELDS.items() if field in fields)
    answer = desk.send("POST", "/api/activities", {"title": "X", "activity_type": kind, field: value})
    assert answer.status_code == 422 and field in answer.get_json()["error"]["details"]
    assert desk.get("/api/activities").get_json()["meta"]["total"] == 0


def test_completed_at_follows_the_status(desk):
    made = desk.activity()
    assert made["status"] == "scheduled" and made["completed_at"] is None
    done = desk.send("PATCH", f"/api/activities/{made['id']}", {"status": "completed"}).get_json()["data"]
    assert done["completed_at"] is not None
    again = desk.send("PATCH", f"/api/activities/{made['id']}", {"title": "Renamed"}).get_json()["data"]
    assert again["completed_at"] == done["completed_at"]
    reopened = desk.send("PATCH", f"/api/activities/{made['id']}", {"status": "in_progress"}).get_json()["data"]
    assert reopened["completed_at"] is None
    assert desk.send("POST", "/api/activities", {"title": "Done", "activity_type": "note", "status": "completed"}
                     ).get_json()["data"]["completed_at"] is not None


def test_customer_name_follows_a_rename(desk, client, auth):
    board = Board(client, auth.a)
    customer = board.customer("Acme")
    made = desk.activity(customer=customer["id"])
    assert made["customer_name"] == "Acme" and made["customer"] == {"id": customer["id"], "name": "Acme"}
    renamed = client.patch(f"/api/v1/customers/{customer['id']}", headers=board.headers, json={"name": "Acme Group"})
    assert renamed.status_code == 200
    assert desk.get(f"/api/activities/{made['id']}").get_json()["data"]["customer_name"] == "Acme Group"
    assert [a["id"] for a in desk.get("/api/activities?q=acme group").get_json()["data"]] == [made["id"]]
    assert desk.send("POST", "/api/activities", {"title": "X", "activity_type": "note",
                                                 "customer_name": "Forged"}).status_code == 422
    cleared = desk.send("PATCH", f"/api/activities/{made['id']}", {"customer": None}).get_json()["data"]
    assert cleared["customer_name"] is None


@pytest.mark.parametrize("action, status", [("complete", "completed"), ("cancel", "cancelled")])
def test_complete_and_cancel(desk, action, status):
    for start in ("scheduled", "in_progress"):
        made = desk.activity(status=start)
        moved = desk.send("POST", f"/api/activities/{made['id']}/{action}/").get_json()["data"]
        assert moved["status"] == status and (moved["completed_at"] is not None) == (status == "completed")
        for final in ("completed", "cancelled"):
            ended = desk.activity(status=final)
            refused = desk.send("POST", f"/api/activities/{ended['id']}/{action}")
            assert refused.status_code == 409
            assert refused.get_json()["error"]["code"] == "INVALID_TRANSITION"
            assert refused.get_json()["error"]["details"]["allowed"] == []
            assert desk.get(f"/api/activities/{ended['id']}").get_json()["data"]["status"] == final


def test_stats_count_what_the_filters_select(desk, db, auth):
    lead = desk.lead()
    desk.activity(lead=lead["id"], status="completed")
    desk.activity(lead=lead["id"], activity_type="email", title="Follow-up email")
    desk.activity(activity_type="note", title="Note")
    for query in ("", f"?lead={lead['id']}", "?activity_type=email,note", "?q=email&status=scheduled"):
        stats = desk.get(f"/api/activities/stats/{query}").get_json()["data"]
        listed = desk.get(f"/api/activities/{query}").get_json()
        assert stats["total"] == listed["meta"]["total"] == sum(stats["by_status"].values())
        assert sum(stats["by_type"].values()) == stats["total"]
    with context.acting_as(organization_id=auth.a.org_id):
        counted = dict(db.session.execute(select(Activity.activity_type, func.count()).where(
            Activity.lead_id == lead["id"]).group_by(Activity.activity_type)).all())
    stats = desk.get(f"/api/activities/stats?lead={lead['id']}").get_json()["data"]
    assert stats["by_type"] == {"call": counted["call"], "email": counted["email"], "telegram": 0, "meeting": 0,
                                "task": 0, "note": 0}
    assert stats["by_status"] == {"scheduled": 1, "in_progress": 0, "completed": 1, "cancelled": 0}


def _ids(db, org_id, stmt):
    with context.acting_as(organization_id=org_id):
        return [row.id for row in db.session.scalars(stmt)]


def test_upcoming_at_its_edges(desk, db, auth):
    at = {name: desk.activity(name, scheduled_at=iso(NOW + delta))["id"] for name, delta in (
        ("just past", -timedelta(seconds=1)), ("now", timedelta(0)), ("last day", timedelta(days=7)),
        ("beyond", timedelta(days=7, seconds=1)), ("soon", timedelta(hours=1)))}
    desk.activity("done", scheduled_at=iso(NOW + timedelta(hours=2)), status="completed")
    stmt = activities.UPCOMING.order(activities.upcoming(select(Activity), NOW, 7), None)
    assert _ids(db, auth.a.org_id, stmt) == [at["now"], at["soon"], at["last day"]]


def test_overdue_at_its_edges(desk, db, auth):
    past = desk.activity("past", scheduled_at=iso(NOW - timedelta(days=2)))["id"]
    desk.activity("now", scheduled_at=iso(NOW))
    just = desk.activity("just past", scheduled_at=iso(NOW - timedelta(microseconds=1)), status="in_progress")["id"]
    desk.activity("cancelled", scheduled_at=iso(NOW - timedelta(days=3)), status="cancelled")
    due_yesterday = desk.activity("task due yesterday", activity_type="task", task_due_date="2030-05-31",
                                  scheduled_at=iso(NOW + timedelta(days=1)))["id"]
    desk.activity("task due today", activity_type="task", task_due_date="2030-06-01",
                  scheduled_at=iso(NOW - timedelta(days=5)))
    stmt = activities.OVERDUE.order(activities.overdue(select(Activity), NOW), None)
    assert _ids(db, auth.a.org_id, stmt) == [past, due_yesterday, just]


def test_a_tasks_day_ends_in_the_organizations_time_zone(desk, db, auth):
    with context.acting_as(organization_id=auth.a.org_id):
        db.session.get(Organization, auth.a.org_id).timezone = "America/New_York"
        db.session.commit()
    task = desk.activity("Send the quote", activity_type="task", task_due_date="2030-06-01")
    assert task["due_at"] == "2030-06-02T04:00:00Z"


def test_upcoming_and_overdue_through_the_api(desk):
    now = datetime.now(timezone.utc)
    soon = desk.activity("soon", scheduled_at=iso(now + timedelta(hours=1)))["id"]
    later = desk.activity("later", scheduled_at=iso(now + timedelta(days=20)))["id"]
    late = desk.activity("late", scheduled_at=iso(now - timedelta(hours=1)))["id"]
    later_late = desk.activity("later late", scheduled_at=iso(now - timedelta(days=3)), activity_type="meeting")["id"]
    ids = lambda path: [a["id"] for a in desk.get(path).get_json()["data"]]  # noqa: E731
    assert ids("/api/activities/upcoming/") == [soon]
    assert ids("/api/activities/upcoming?days=30") == [soon, later]
    assert ids("/api/activities/upcoming?days=30&page_size=1&page=2") == [later]
    assert ids("/api/activities/overdue") == [later_late, late]
    assert ids("/api/activities/overdue?activity_type=call") == [late]
    for days in ("0", "366", "x"):
        assert desk.get(f"/api/activities/upcoming?days={days}").status_code == 422


def test_filters_and_drf_spellings(desk, client, auth):
    customer = Board(client, auth.a).customer("Acme")
    desk.activity("Alpha call", customer=customer["id"], status="completed")
    desk.activity("Beta email", activity_type="email", description="about Acme's quote")
    desk.activity("Gamma note", activity_type="note", customer=customer["id"])
    titles = lambda path: [a["title"] for a in desk.get(path).get_json()["data"]]  # noqa: E731
    assert titles(f"/api/activities?customer={customer['id']}&sort=title") == ["Alpha call", "Gamma note"]
    assert titles("/api/activities?activity_type=email,note&sort=title") == ["Beta email", "Gamma note"]
    assert titles("/api/activities?status=completed") == ["Alpha call"]
    assert titles("/api/activities?q=acme&sort=title") == ["Alpha call", "Beta email", "Gamma note"]
    assert titles("/api/activities/?search=acme&ordering=-title&page_size=2") == titles(
        "/api/activities?q=acme&sort=-title&per_page=2") == ["Gamma note", "Beta email"]


def test_another_organizations_ids(desk, client, auth):
    other = Desk(client, auth.b)
    theirs = {"customer": Board(client, auth.b).customer("Theirs")["id"], "lead": other.lead()["id"],
              "deal": other.deal()["id"], "assigned_to": auth.b.user_ids["admin"]}
    their_activity = other.activity()
    assert desk.get(f"/api/activities/{their_activity['id']}").status_code == 404
    assert desk.send("POST", f"/api/activities/{their_activity['id']}/complete").status_code == 404
    mine = desk.activity()
    for field, ident in theirs.items():
        assert desk.send("POST", "/api/activities", {"title": "X", "activity_type": "note", field: ident}
                         ).get_json()["error"]["details"].keys() == {field}
        assert desk.send("PATCH", f"/api/activities/{mine['id']}", {field: ident}).status_code == 422
        for path in ("", "/stats", "/upcoming", "/overdue"):
            assert desk.get(f"/api/activities{path}?{field}={ident}").status_code == 422
            assert desk.get(f"/api/activities{path}?{field}_id={ident}").status_code == 422


def test_roles(desk):
    made = desk.activity()
    for role in ("technician", "customer"):
        assert desk.send("POST", "/api/activities", {"title": "X", "activity_type": "note"}, role=role).status_code == 403
        assert desk.send("PATCH", f"/api/activities/{made['id']}", {"title": "X"}, role=role).status_code == 403
        assert desk.send("DELETE", f"/api/activities/{made['id']}", role=role).status_code == 403
        assert desk.send("POST", f"/api/activities/{made['id']}/complete", role=role).status_code == 403
        assert desk.send("GET", "/api/activities/upcoming", role=role).status_code == 403
    assert desk.send("GET", "/api/activities/overdue", role="dispatcher").status_code == 200
    assert desk.send("POST", f"/api/activities/{made['id']}/cancel", role="dispatcher").status_code == 403
    assert desk.send("DELETE", f"/api/activities/{made['id']}").status_code == 204
    assert desk.get(f"/api/activities/{made['id']}").status_code == 404

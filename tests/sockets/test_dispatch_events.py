"""Dispatch events reach the right consoles and phones, after commit (docs/events.md)."""
import time

import pytest

from tests.support.dispatch import Board
from tests.support.waiting import wait_for

CONSOLE_EVENTS = ("job.status.updated", "job.assigned", "dashboard.metrics.updated", "team-update")  # no team-update on /
PHONE_EVENTS = ("job-assigned", "status-updated", "priority-alert", "team-update")


@pytest.fixture
def board(client, auth):
    return Board(client, auth.a)


def test_console_events_go_to_the_organization_only(board, auth, listen):
    console_a = listen(auth.a.tokens["dispatcher"], "/", events=CONSOLE_EVENTS)
    console_b = listen(auth.b.tokens["dispatcher"], "/", events=CONSOLE_EVENTS)
    team_a = listen(auth.a.tokens["dispatcher"], "/mobile", events=PHONE_EVENTS)
    customer, tech = board.customer(), board.technician()
    job = board.job(customer["id"])
    board.assign(job["id"], tech["id"])
    board.move(job["id"], "en_route")

    wait_for(lambda: len(console_a.payloads("job.status.updated")) == 2)
    assigned = console_a.payloads("job.assigned")[0]
    assert assigned == {"job_id": job["id"], "technician_id": tech["id"], "technician_name": "John Smith",
                        "previous_technician_id": None, "assigned_by": auth.a.user_ids["dispatcher"],
                        "timestamp": assigned["timestamp"], "event_id": assigned["event_id"]}
    moves = [(e["old_status"], e["new_status"]) for e in console_a.payloads("job.status.updated")]
    assert moves == [("pending", "assigned"), ("assigned", "en_route")]
    update = console_a.payloads("job.status.updated")[1]
    assert update["job_id"] == job["id"] and update["updated_by"] == auth.a.user_ids["dispatcher"]
    assert update["timestamp"].endswith("Z")
    busy = wait_for(lambda: [t for t in team_a.payloads("team-update") if t["status"] == "busy"])
    assert busy[0]["technicianId"] == tech["id"] and busy[0]["currentJobId"] == job["id"]
    time.sleep(0.3)
    assert console_b.events() == [] and console_a.payloads("team-update") == []


def test_the_technicians_phone_hears_about_its_jobs(board, auth, listen):
    tech = board.technician("Terry Tech", user_id=auth.a.user_ids["technician"])
    phone = listen(auth.a.tokens["technician"], "/mobile", events=PHONE_EVENTS)
    colleague = listen(auth.a.tokens["dispatcher"], "/mobile", events=PHONE_EVENTS)
    customer = board.customer()
    urgent = board.job(customer["id"], "Burst pipe", priority="urgent")
    board.assign(urgent["id"], tech["id"])
    board.move(urgent["id"], "en_route")

    wait_for(lambda: len(phone.payloads("status-updated")) == 2 and phone.payloads("priority-alert"))
    assert phone.payloads("job-assigned")[0]["jobId"] == urgent["id"]
    assert phone.payloads("priority-alert")[0] == {"jobId": urgent["id"], "title": "Burst pipe", "priority": "urgent",
                                                   "timestamp": phone.payloads("priority-alert")[0]["timestamp"],
                                                   "eventId": phone.payloads("priority-alert")[0]["eventId"]}
    assert [(e["oldStatus"], e["newStatus"]) for e in phone.payloads("status-updated")] == [
        ("pending", "assigned"), ("assigned", "en_route")]
    wait_for(lambda: colleague.payloads("team-update"))  # the team sees the technician get busy
    assert colleague.payloads("job-assigned") == [] and colleague.payloads("status-updated") == []


def test_a_rejected_move_emits_nothing(board, auth, listen):
    console = listen(auth.a.tokens["dispatcher"], "/", events=CONSOLE_EVENTS)
    job = board.job(board.customer()["id"])
    assert board.move(job["id"], "completed").status_code == 409
    board.move(job["id"], "scheduled")
    wait_for(lambda: console.payloads("job.status.updated"))
    assert [e["new_status"] for e in console.payloads("job.status.updated")] == ["scheduled"]


def test_dashboard_updates_are_coalesced_to_one_per_second(board, auth, listen, worker):
    console = listen(auth.a.tokens["dispatcher"], "/", events=("dashboard.metrics.updated",))
    customer, tech = board.customer(), board.technician()
    jobs = [board.job(customer["id"], f"Job {i}", value=50) for i in range(5)]
    started = time.monotonic()
    for job in jobs:  # a burst of ten changes
        board.assign(job["id"], tech["id"])
        board.move(job["id"], "cancelled")
    burst_seconds = time.monotonic() - started
    wait_for(lambda: console.payloads("dashboard.metrics.updated"), timeout=10)
    time.sleep(1.5)
    updates = console.payloads("dashboard.metrics.updated")
    assert 1 <= len(updates) <= int(burst_seconds) + 2 < 10  # at most one a second, not one per change
    latest = {name: value for name, value in updates[-1].items() if name != "event_id"}
    assert latest == board.get("/api/v1/dashboard/metrics").get_json()["data"]


def test_following_a_job_needs_the_right_to_read_it(board, auth, listen):
    customer = board.customer()
    job = board.job(customer["id"])
    technician = listen(auth.a.tokens["technician"], "/").client
    assert technician.call("subscribe", {"room": f"job:{job['id']}"}, namespace="/", timeout=5)["ok"] is False
    dispatcher = listen(auth.a.tokens["dispatcher"], "/").client
    assert dispatcher.call("subscribe", {"room": f"job:{job['id']}"}, namespace="/", timeout=5)["ok"] is True
    outsider = listen(auth.b.tokens["dispatcher"], "/").client
    assert outsider.call("subscribe", {"room": f"job:{job['id']}"}, namespace="/", timeout=5)["ok"] is False


def test_a_customer_follows_only_its_own_customers_jobs(board, client, auth, listen):
    mine, theirs = board.customer("Mine Ltd"), board.customer("Theirs Ltd")
    my_job, their_job = board.job(mine["id"]), board.job(theirs["id"])
    user_url, admin = f"/api/v1/users/{auth.a.user_ids['customer']}", auth.a.headers("admin")
    assert client.patch(user_url, headers=admin, json={"customer_id": mine["id"]}).status_code == 200
    portal = listen(auth.a.tokens["customer"], "/customer", events=("permissions.changed",))
    assert portal.call("subscribe", {"room": f"job:{my_job['id']}"})["ok"] is True
    assert portal.call("subscribe", {"room": f"job:{their_job['id']}"})["ok"] is False

    assert client.patch(user_url, headers=admin, json={"customer_id": theirs["id"]}).status_code == 200
    wait_for(lambda: portal.disconnected)  # its rights were those of its old link
    assert portal.payloads("permissions.changed") == [{"reason": "link_changed"}]
    again = listen(auth.a.tokens["customer"], "/customer")
    assert again.call("subscribe", {"room": f"job:{their_job['id']}"})["ok"] is True
    assert again.call("subscribe", {"room": f"job:{my_job['id']}"})["ok"] is False

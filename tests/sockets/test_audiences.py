"""Every live event reaches exactly the sockets whose user may read its subject, by
the rules REST applies (docs/events.md): real clients of each role, on every namespace."""
import time

import pytest

from tests.support.auth import new_user
from tests.support.dispatch import Board
from tests.support.waiting import wait_for

CONSOLE = ("job.status.updated", "job.assigned", "dashboard.metrics.updated", "job.progress")
PHONE = ("job-assigned", "status-updated", "priority-alert", "team-update")


@pytest.fixture
def board(client, auth):
    return Board(client, auth.a)


def kinds(listener):
    return [(name, data.get("job_id", data.get("jobId"))) for name, data in listener.events()]


def test_job_events_reach_jobs_read_holders_and_the_jobs_own_technicians(board, client, auth, listen):
    tina_user, tina_token = new_user(client, auth, "technician", "tina")
    terry = board.technician("Terry Tech", user_id=auth.a.user_ids["technician"])
    tina = board.technician("Tina Tech", user_id=tina_user)
    consoles = {role: listen(auth.a.tokens[role], "/", events=CONSOLE)
                for role in ("owner", "admin", "dispatcher", "support")}
    terry_console = listen(auth.a.tokens["technician"], "/", events=CONSOLE)
    tina_console = listen(tina_token, "/", events=CONSOLE)
    terry_phone = listen(auth.a.tokens["technician"], "/mobile", events=PHONE)
    tina_phone = listen(tina_token, "/mobile", events=PHONE)
    other_org = listen(auth.b.tokens["dispatcher"], "/", events=CONSOLE)
    portal = listen(auth.a.tokens["customer"], "/customer", events=CONSOLE + PHONE)

    job = board.job(board.customer()["id"], priority="urgent")["id"]
    board.assign(job, terry["id"])  # job.assigned, then pending -> assigned
    board.assign(job, tina["id"])  # taken from Terry: he hears of it, so his screen drops it
    board.move(job, "en_route")  # Tina's job now: Terry no longer hears of it

    everything = [("job.assigned", job), ("job.status.updated", job), ("job.assigned", job),
                  ("job.status.updated", job)]
    wait_for(lambda: all(len(c.events()) == 4 for role, c in consoles.items() if role != "support")
             and len(tina_console.events()) == 2 and len(tina_phone.events("status-updated")) == 1)
    time.sleep(0.3)  # let anything misdirected arrive
    for role in ("owner", "admin", "dispatcher"):
        assert kinds(consoles[role]) == everything, role
    assert consoles["support"].events() == []  # no job permission: no job events
    assert kinds(terry_console) == everything[:3]
    assert [e["new_status"] for e in terry_console.payloads("job.status.updated")] == ["assigned"]
    assert kinds(tina_console) == [("job.assigned", job), ("job.status.updated", job)]
    assert tina_console.payloads("job.assigned")[0]["previous_technician_id"] == terry["id"]
    assert [n for n, _ in terry_phone.events()] == ["job-assigned", "priority-alert", "status-updated",
                                                    "job-assigned"]
    assert [n for n, _ in tina_phone.events()] == ["job-assigned", "priority-alert", "status-updated"]
    assert other_org.events() == [] and portal.events() == []


def test_team_updates_reach_only_those_who_may_read_technicians(board, auth, listen):
    tech = board.technician("Terry Tech", user_id=auth.a.user_ids["technician"])
    team = listen(auth.a.tokens["dispatcher"], "/mobile", events=PHONE)
    phone = listen(auth.a.tokens["technician"], "/mobile", events=PHONE)
    job = board.job(board.customer()["id"])
    board.assign(job["id"], tech["id"])
    board.move(job["id"], "en_route")

    wait_for(lambda: team.payloads("team-update") and len(phone.payloads("status-updated")) == 2)
    time.sleep(0.3)
    assert team.payloads("team-update")[-1]["technicianId"] == tech["id"]
    assert phone.payloads("team-update") == []  # GET /technicians is 403 for a technician too
    assert board.client.get("/api/v1/technicians", headers=auth.a.headers("technician")).status_code == 403


def test_dashboard_metrics_reach_analytics_readers_as_over_rest(board, client, auth, listen, worker):
    support = listen(auth.a.tokens["support"], "/", events=CONSOLE)
    dispatcher = listen(auth.a.tokens["dispatcher"], "/", events=CONSOLE)
    technician = listen(auth.a.tokens["technician"], "/", events=CONSOLE)
    board.move(board.job(board.customer()["id"], value=80)["id"], "cancelled")

    wait_for(lambda: support.payloads("dashboard.metrics.updated") and dispatcher.payloads("dashboard.metrics.updated"))
    time.sleep(0.3)
    assert technician.events() == []
    numbers = client.get("/api/v1/dashboard/metrics", headers=auth.a.headers("support"))
    pushed = dict(support.payloads("dashboard.metrics.updated")[-1])
    assert pushed.pop("event_id")  # live events carry their id, for `resume` (test_resume.py)
    assert numbers.status_code == 200 and numbers.get_json()["data"] == pushed
    assert client.get("/api/v1/dashboard/metrics", headers=auth.a.headers("technician")).status_code == 403

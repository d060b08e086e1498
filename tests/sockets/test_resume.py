"""A client that was away catches up with `resume {since}`: the events its rooms would have received,
in order, then `resume.done`; or `resume.gap` when they are no longer kept (docs/events.md, "Resuming")."""
import time

import pytest

from tests.support.dispatch import Board
from tests.support.live_events import clear_event_streams
from tests.support.waiting import wait_for

CONSOLE_EVENTS = ("job.status.updated", "job.assigned", "dashboard.metrics.updated", "job.progress",
                  "resume.done", "resume.gap")
PHONE_EVENTS = ("job-assigned", "status-updated", "priority-alert", "team-update", "notification.created",
                "resume.done", "resume.gap")


@pytest.fixture(autouse=True)
def fresh_streams(redis_client):
    clear_event_streams(redis_client)


@pytest.fixture
def board(client, auth):
    return Board(client, auth.a)


def test_a_console_back_from_a_disconnection_gets_what_it_missed_in_order(board, auth, listen):
    job = board.job(board.customer()["id"])
    console = listen(auth.a.tokens["dispatcher"], "/", events=CONSOLE_EVENTS)
    board.move(job["id"], "scheduled")
    seen = wait_for(lambda: console.payloads("job.status.updated"))[-1]["event_id"]
    console.close()
    moves = ["pending", "scheduled", "pending", "scheduled", "cancelled"]
    for status in moves:
        assert board.move(job["id"], status).status_code == 200

    again = listen(auth.a.tokens["dispatcher"], "/", events=CONSOLE_EVENTS)
    assert again.call("resume", {"since": seen}) == {"ok": True}
    done = wait_for(lambda: again.payloads("resume.done"))[0]
    replayed = again.payloads("job.status.updated")
    assert [e["new_status"] for e in replayed] == moves
    assert all(e["job_id"] == job["id"] for e in replayed)
    assert done == {"count": 5, "last_event_id": replayed[-1]["event_id"]}
    assert again.names() == ["job.status.updated"] * 5 + ["resume.done"]  # the events first, then done

    assert again.call("resume", {"since": done["last_event_id"]}) == {"ok": True}  # nothing since
    wait_for(lambda: len(again.payloads("resume.done")) == 2)
    assert again.payloads("resume.done")[1] == {"count": 0, "last_event_id": done["last_event_id"]}


def test_a_technician_catches_up_only_on_its_own_jobs(board, auth, listen):
    mine = board.technician("Terry Tech", user_id=auth.a.user_ids["technician"])
    colleague = board.technician("Colin Colleague")
    customer = board.customer()
    my_job, their_job = board.job(customer["id"], "Mine"), board.job(customer["id"], "Theirs")
    phone = listen(auth.a.tokens["technician"], "/mobile", events=PHONE_EVENTS)
    console = listen(auth.a.tokens["technician"], "/", events=CONSOLE_EVENTS)
    board.assign(my_job["id"], mine["id"])
    # The assignment also tells the technician in the app's inbox (notification.created): all three seen.
    wait_for(lambda: phone.payloads("job-assigned") and phone.payloads("status-updated")
             and phone.payloads("notification.created"))
    wait_for(lambda: console.payloads("job.assigned") and console.payloads("job.status.updated"))
    seen_phone, seen_console = phone.events()[-1][1]["eventId"], console.events()[-1][1]["event_id"]
    phone.close()
    console.close()
    board.assign(their_job["id"], colleague["id"])
    board.move(their_job["id"], "en_route")
    board.move(my_job["id"], "en_route")
    board.move(their_job["id"], "in_progress")
    board.move(my_job["id"], "in_progress")

    phone = listen(auth.a.tokens["technician"], "/mobile", events=PHONE_EVENTS)
    assert phone.call("resume", {"since": seen_phone}) == {"ok": True}
    assert wait_for(lambda: phone.payloads("resume.done"))[0]["count"] == 2
    assert [(e["jobId"], e["newStatus"]) for e in phone.payloads("status-updated")] == [
        (my_job["id"], "en_route"), (my_job["id"], "in_progress")]
    assert phone.payloads("job-assigned") == [] and phone.payloads("team-update") == []  # not the team's
    console = listen(auth.a.tokens["technician"], "/", events=CONSOLE_EVENTS)
    assert console.call("resume", {"since": seen_console}) == {"ok": True}
    assert wait_for(lambda: console.payloads("resume.done"))[0]["count"] == 2
    assert {e["job_id"] for e in console.payloads("job.status.updated")} == {my_job["id"]}
    assert console.payloads("job.assigned") == []  # the colleague's assignment is not theirs to see


def test_resuming_from_before_what_is_kept_is_a_gap(board, auth, listen):
    job = board.job(board.customer()["id"])
    board.move(job["id"], "scheduled")
    console = listen(auth.a.tokens["dispatcher"], "/", events=CONSOLE_EVENTS)
    board.move(job["id"], "pending")
    oldest = wait_for(lambda: console.payloads("job.status.updated"))
    two_days_ago = f"{int((time.time() - 48 * 3600) * 1000)}-0"  # a client away longer than events are kept

    assert console.call("resume", {"since": two_days_ago}) == {"ok": True}
    gap = wait_for(lambda: console.payloads("resume.gap"))[0]
    assert gap["reason"] == "trimmed"
    time.sleep(0.3)
    assert console.payloads("resume.done") == [] and len(console.payloads("job.status.updated")) == 1

    assert console.call("resume", {"since": gap["oldest_event_id"]}) == {"ok": True}  # the oldest kept: the move
    done = wait_for(lambda: console.payloads("resume.done"))[0]  # to scheduled, before this console connected
    assert done == {"count": 1, "last_event_id": oldest[0]["event_id"]}


@pytest.mark.parametrize("since", [None, "", "yesterday", "12", "1-2-3", 42, "99999999999999999999999-0",
                                   {"id": "1-0"}])
def test_a_malformed_since_is_refused_in_the_ack(auth, listen, since):
    console = listen(auth.a.tokens["dispatcher"], "/", events=CONSOLE_EVENTS)
    answer = console.call("resume", {"since": since})
    assert answer["ok"] is False and "since" in answer["error"]
    assert console.call("resume", "not even a dict")["ok"] is False
    assert not console.disconnected and console.events() == []


def test_the_events_that_end_sockets_are_not_kept(client, auth, listen):
    console = listen(auth.a.tokens["dispatcher"], "/", events=("session.revoked",))
    assert client.post("/api/v1/auth/logout", headers=auth.a.headers("dispatcher")).status_code in (200, 204)
    revoked = wait_for(lambda: console.payloads("session.revoked"))[0]
    assert "event_id" not in revoked

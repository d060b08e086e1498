"""Live events as Server-Sent Events: `/events/stream` and `/mobile/live-updates`, opened with a ticket,
resumed with `Last-Event-ID`, kept open by heartbeats, ended with the session (docs/events.md, "Resuming")."""
import pytest
from itsdangerous.timed import TimestampSigner

from tests.support.dispatch import Board
from tests.support.live_events import clear_event_streams, open_in_process, open_live, ticket
from tests.support.waiting import wait_for

STREAM, STREAM_TICKET = "/api/v1/events/stream", "/api/v1/events/stream-ticket"
LIVE_UPDATES, LIVE_UPDATES_TICKET = "/api/v1/mobile/live-updates", "/api/v1/mobile/live-updates/ticket"


@pytest.fixture(autouse=True)
def fresh_streams(redis_client, app, monkeypatch):
    clear_event_streams(redis_client)
    monkeypatch.setitem(app.config, "SSE_HEARTBEAT_SECONDS", 0.2)  # this process's streams: pings in tenths


@pytest.fixture
def board(client, auth):
    return Board(client, auth.a)


def test_a_stream_resumes_after_last_event_id_then_goes_on_live(board, client, auth, live_server):
    job = board.job(board.customer()["id"])
    first = open_live(live_server, f"{STREAM}?ticket={ticket(client, auth.a, 'dispatcher')}")
    board.move(job["id"], "scheduled")
    seen = wait_for(lambda: first.events("job.status.updated"))[0]
    assert seen["id"] == seen["data"]["event_id"] and seen["data"]["new_status"] == "scheduled"
    first.close()
    for status in ("pending", "scheduled", "pending"):
        board.move(job["id"], status)

    again = open_live(live_server, f"{STREAM}?ticket={ticket(client, auth.a, 'dispatcher')}",
                      headers={"Last-Event-ID": seen["id"]})
    replayed = wait_for(lambda: again.events("job.status.updated")[2:] and again.events("job.status.updated"))
    assert [(f["data"]["old_status"], f["data"]["new_status"]) for f in replayed] == [
        ("scheduled", "pending"), ("pending", "scheduled"), ("scheduled", "pending")]
    board.move(job["id"], "cancelled")  # and then what happens next
    live = wait_for(lambda: again.events("job.status.updated")[3:])
    assert live[0]["data"]["new_status"] == "cancelled"
    assert all(f["id"] == f["data"]["event_id"] for f in again.events())
    assert len({f["id"] for f in again.events()}) == 4
    again.close()


def test_an_idle_stream_gets_heartbeats_and_ends_with_its_session(client, auth):
    stream = open_in_process(client, f"{STREAM}?ticket={ticket(client, auth.a, 'dispatcher')}")
    wait_for(lambda: "ping" in stream.comments)
    assert stream.events() == [] and not stream.ended

    assert client.post("/api/v1/auth/logout", headers=auth.a.headers("dispatcher")).status_code in (200, 204)
    wait_for(lambda: stream.ended)
    assert [f["event"] for f in stream.events()] == ["session.revoked"]
    assert stream.events()[0]["data"]["reason"] == "logout"


def test_the_technician_app_hears_only_of_its_own_jobs(board, client, auth):
    mine = board.technician("Terry Tech", user_id=auth.a.user_ids["technician"])
    colleague = board.technician("Colin Colleague")
    customer = board.customer()
    my_job, their_job = board.job(customer["id"], "Mine"), board.job(customer["id"], "Theirs")
    phone_ticket = ticket(client, auth.a, "technician", LIVE_UPDATES_TICKET)
    phone = open_in_process(client, f"{LIVE_UPDATES}?ticket={phone_ticket}")
    wait_for(lambda: "connected" in phone.comments)
    board.assign(their_job["id"], colleague["id"])
    board.assign(my_job["id"], mine["id"])
    board.move(my_job["id"], "en_route")

    wait_for(lambda: len(phone.events("status-updated")) == 2 and phone.events("notification.created"))
    assert {f["data"]["jobId"] for f in phone.events() if f["event"] != "notification.created"} == {my_job["id"]}
    assert [f["data"]["url"] for f in phone.events("notification.created")] == [f"/jobs/{my_job['id']}"]
    assert [f["data"]["newStatus"] for f in phone.events("status-updated")] == ["assigned", "en_route"]
    assert all(f["id"] == f["data"]["eventId"] for f in phone.events())  # the app's camelCase


def test_a_technician_on_the_event_stream_gets_the_technician_apps_events(board, client, auth):
    mine = board.technician("Terry Tech", user_id=auth.a.user_ids["technician"])
    job = board.job(board.customer()["id"])
    stream = open_in_process(client, f"{STREAM}?ticket={ticket(client, auth.a, 'technician')}")
    wait_for(lambda: "connected" in stream.comments)
    board.assign(job["id"], mine["id"])
    wait_for(lambda: stream.events("job-assigned") and stream.events("status-updated"))
    assert stream.events("job.assigned") == []


def test_a_ticket_is_for_one_stream_once(client, auth):
    good = ticket(client, auth.a, "dispatcher")
    bad = client.get(f"{STREAM}?ticket=not-a-ticket")
    assert bad.status_code == 401 and bad.get_json()["error"]["code"] == "UNAUTHORIZED"
    assert bad.get_json()["error"]["details"] == {"reason": "invalid"}
    assert client.get(f"{STREAM}?ticket={good[:-2]}xx").status_code == 401  # tampered
    mobile = ticket(client, auth.a, "dispatcher", LIVE_UPDATES_TICKET)
    assert client.get(f"{STREAM}?ticket={mobile}").status_code == 401  # the other stream's
    assert client.get(f"{STREAM}?ticket={good}&last_event_id=yesterday").status_code == 422  # not spent on it

    open_in_process(client, f"{STREAM}?ticket={good}")
    used = client.get(f"{STREAM}?ticket={good}")
    assert used.status_code == 401 and used.get_json()["error"]["details"] == {"reason": "used"}
    assert client.get(STREAM).status_code == 422  # no ticket at all


def test_an_expired_ticket_is_refused(client, auth, monkeypatch):
    issued_at = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued_at(self) - 61)
    stale = ticket(client, auth.a, "dispatcher")  # made 61 s ago
    monkeypatch.undo()
    refused = client.get(f"{STREAM}?ticket={stale}")
    assert refused.status_code == 401 and refused.get_json()["error"]["details"] == {"reason": "expired"}


def test_tickets_go_to_the_roles_that_receive_events(client, auth):
    for role, path in (("vendor", STREAM_TICKET), ("customer", LIVE_UPDATES_TICKET)):
        refused = client.post(path, headers=auth.a.headers(role))
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "FORBIDDEN"
    assert client.post(STREAM_TICKET).status_code == 401  # a bearer token, first
    answer = client.post(LIVE_UPDATES_TICKET, headers=auth.a.headers("technician")).get_json()
    assert set(answer) == {"ticket", "expiresIn"} and answer["expiresIn"] == 60  # the app's shape, no envelope
    answer = client.post(STREAM_TICKET, headers=auth.a.headers("customer")).get_json()
    assert answer["data"]["expires_in"] == 60

"""Socket.IO as the frontends use it: a real server, real clients, and a real worker process."""
from datetime import timedelta

import socketio

from models.db import utcnow
from models.identity.sessions import AuthSession
from models.ops import outbox
from tests.conftest import wait_for


def refused(live_server, auth_payload, namespace="/"):
    """The server's reason for refusing the connection, or None if it was accepted."""
    client = socketio.Client(reconnection=False)
    reasons = []
    client.on("connect_error", lambda data: reasons.append(str(data)), namespace=namespace)
    try:
        client.connect(live_server, auth=auth_payload, namespaces=[namespace],
                       wait_timeout=10)
    except socketio.exceptions.ConnectionError:
        return " ".join(reasons)
    client.disconnect()
    return None


def test_connections_without_a_valid_token_are_refused(live_server, auth):
    assert "unauthorized" in refused(live_server, None)
    assert "unauthorized" in refused(live_server, {"token": "not-a-jwt"})
    forged = auth.a.tokens["admin"][:-4] + "AAAA"
    assert "unauthorized" in refused(live_server, {"token": forged})


def test_each_namespace_admits_only_its_audience(live_server, listen, auth):
    assert "forbidden" in refused(live_server, {"token": auth.a.tokens["customer"]}, "/")
    assert "forbidden" in refused(live_server, {"token": auth.a.tokens["technician"]}, "/customer")
    assert listen(auth.a.tokens["customer"], "/customer").client.connected
    assert listen(auth.a.tokens["technician"], "/mobile").client.connected
    assert listen(auth.a.tokens["dispatcher"], "/").client.connected


def test_a_revoked_session_cannot_connect(client, live_server, auth):
    client.post("/api/v1/auth/logout", headers=auth.a.headers("support"),
                json={"refresh_token": auth.a.refresh_tokens["support"]})
    assert "unauthorized" in refused(live_server, {"token": auth.a.tokens["support"]})


def test_subscribe_is_checked_against_what_the_caller_may_read(listen, auth):
    admin = listen(auth.a.tokens["admin"]).client
    own = admin.call("subscribe", {"room": f"user:{auth.a.user_ids['technician']}"}, namespace="/", timeout=5)
    assert own == {"ok": True, "room": f"user:{auth.a.user_ids['technician']}"}
    foreign = admin.call("subscribe", {"room": f"user:{auth.b.user_ids['technician']}"}, namespace="/", timeout=5)
    assert foreign["ok"] is False
    unknown_kind = admin.call("subscribe", {"room": "org:1"}, namespace="/", timeout=5)
    assert unknown_kind["ok"] is False
    tech = listen(auth.a.tokens["technician"]).client
    denied = tech.call("subscribe", {"room": f"user:{auth.a.user_ids['admin']}"}, namespace="/", timeout=5)
    assert denied["ok"] is False


def test_an_event_emitted_by_a_worker_process_reaches_the_users_clients_only(
        db, auth, listen, worker_process):
    tech_id = auth.a.user_ids["technician"]
    dispatch = listen(auth.a.tokens["technician"], "/")
    mobile = listen(auth.a.tokens["technician"], "/mobile")
    bystander = listen(auth.a.tokens["dispatcher"], "/")
    other_org = listen(auth.b.tokens["technician"], "/")

    idle = AuthSession(user_id=tech_id, last_used_at=utcnow() - timedelta(days=60))
    db.session.add(idle)
    db.session.commit()
    outbox.enqueue("maintenance.purge_expired")  # the worker process ends the idle session, then emits
    db.session.commit()

    expected = ("session.revoked", {"user_id": tech_id, "reason": "idle", "session_ids": [idle.id]})
    wait_for(lambda: expected in dispatch.events() and expected in mobile.events(), timeout=30)
    assert bystander.events() == [] and other_org.events() == []


def test_a_rolled_back_request_emits_nothing(client, auth, listen):
    me = listen(auth.a.tokens["admin"])
    assert client.post("/api/v1/_test/write-then-fail", headers=auth.a.headers("admin")).status_code == 409
    # control: a committed change that ends the caller's sessions does reach the client
    client.patch(f"/api/v1/users/{auth.a.user_ids['admin']}", headers=auth.a.headers("admin"),
                 json={"password": "a-new-password"})
    wait_for(lambda: me.events())
    assert [data["reason"] for _, data in me.events()] == ["account_changed"]

"""Socket.IO as the frontends use it: a real server, real clients, and a real worker process."""
from datetime import timedelta

import socketio
from sqlalchemy import update

from models.core.db import utcnow
from models.identity.sessions import AuthSession
from models.ops import outbox
from tests.support.auth import DROP, decode_token_claims, forge, login
from tests.support.sockets import DISCONNECTED
from tests.support.waiting import wait_for


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
    admin = listen(auth.a.tokens["admin"])
    # another user's room carries their sessions and background jobs: nobody else may listen in
    for room in (f"user:{auth.a.user_ids['technician']}", f"user:{auth.b.user_ids['technician']}", "org:1",
                 f"session:{auth.a.user_ids['technician']}", f"perm:{auth.a.org_id}:jobs:read"):
        assert admin.call("subscribe", {"room": room})["ok"] is False, room
    tech = listen(auth.a.tokens["technician"])
    assert tech.call("subscribe", {"room": f"user:{auth.a.user_ids['admin']}"})["ok"] is False


def test_tokens_that_are_not_complete_access_tokens_cannot_connect(app, live_server, auth):
    token = auth.a.tokens["dispatcher"]
    assert refused(live_server, {"token": forge(app, token)}) is None  # re-signed as is
    for forged in (forge(app, token, exp=DROP), forge(app, token, type=DROP), forge(app, token, sub="dispatcher"),
                   forge(app, token, headers={"typ": "refresh+jwt"}), forge(app, token, iat=DROP)):
        assert "unauthorized" in refused(live_server, {"token": forged})


def test_a_session_ended_by_a_worker_process_loses_its_sockets(db, auth, client, listen, worker_process):
    """The idle purge runs in a worker: its sockets get `session.revoked`, then the server disconnects them."""
    tech_id = auth.a.user_ids["technician"]
    dispatch = listen(auth.a.tokens["technician"], "/")
    mobile = listen(auth.a.tokens["technician"], "/mobile")
    fresh = login(client, auth.a.email("technician")).get_json()["data"]  # another, active session
    other_session = listen(fresh["access_token"], "/")
    bystander = listen(auth.a.tokens["dispatcher"], "/")
    other_org = listen(auth.b.tokens["technician"], "/")

    idle_id = decode_token_claims(auth.a.tokens["technician"])["sid"]
    db.session.execute(update(AuthSession).where(AuthSession.id == idle_id)
                       .values(last_used_at=utcnow() - timedelta(days=60)))
    db.session.commit()
    outbox.enqueue("maintenance.purge_expired")  # the worker process ends the idle session, then emits
    db.session.commit()

    expected = ("session.revoked", {"user_id": tech_id, "reason": "idle", "session_ids": [idle_id]})
    wait_for(lambda: dispatch.disconnected and mobile.disconnected, timeout=30)
    for ended in (dispatch, mobile):
        assert ended.events() == [expected] and ended.names() == ["session.revoked", DISCONNECTED]
    assert other_session.client.connected and not other_session.disconnected
    assert other_session.events() == bystander.events() == other_org.events() == []


def test_a_rolled_back_request_emits_nothing(client, auth, listen):
    me = listen(auth.a.tokens["admin"])
    assert client.post("/api/v1/_test/write-then-fail", headers=auth.a.headers("admin")).status_code == 409
    # control: a committed change that ends the caller's sessions does reach the client
    client.patch(f"/api/v1/users/{auth.a.user_ids['admin']}", headers=auth.a.headers("admin"),
                 json={"password": "a-new-password"})
    wait_for(lambda: me.events())
    assert [data["reason"] for _, data in me.events()] == ["account_changed"]

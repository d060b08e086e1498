"""How a socket ends (docs/events.md): its session ends, its token expires, or its
user's rights change. The socket is told first, then the server disconnects it."""
import time

import pytest
from sqlalchemy import update

from models.core.db import utcnow
from models.identity import Role
from models.identity.sessions import AuthSession
from tests.support.auth import bearer, decode_token_claims, forge, login, new_user
from tests.support.dispatch import Board
from tests.support.sockets import DISCONNECTED
from tests.support.waiting import wait_for

REVOKED = ("session.revoked",)
WATCHED = ("session.revoked", "session.expired", "permissions.changed", "job.status.updated")


@pytest.fixture
def board(client, auth):
    return Board(client, auth.a)


def sid_of(token):
    return decode_token_claims(token)["sid"]


def told_then_disconnected(listener, event):
    return listener.names() == [event, DISCONNECTED]


def test_logout_ends_that_sessions_sockets_and_nothing_reaches_them_after(board, client, auth, listen):
    mine = login(client, auth.a.email("dispatcher")).get_json()["data"]
    console = listen(mine["access_token"], "/", events=WATCHED)
    phone = listen(mine["access_token"], "/mobile", events=WATCHED)
    other_session = listen(auth.a.tokens["dispatcher"], "/", events=WATCHED)

    assert client.post("/api/v1/auth/logout", headers=bearer(mine["access_token"])).status_code == 204

    wait_for(lambda: console.disconnected and phone.disconnected)
    expected = {"user_id": auth.a.user_ids["dispatcher"], "reason": "logout",
                "session_ids": [sid_of(mine["access_token"])]}
    for ended in (console, phone):
        assert told_then_disconnected(ended, "session.revoked") and ended.payloads("session.revoked") == [expected]
    board.move(board.job(board.customer()["id"])["id"], "scheduled")
    wait_for(lambda: other_session.payloads("job.status.updated"))  # the user's other session lives on
    assert not other_session.disconnected
    assert told_then_disconnected(console, "session.revoked")  # nothing after


def test_the_customer_portals_socket_ends_with_its_session(client, auth, listen):
    portal = listen(auth.a.tokens["customer"], "/customer", events=WATCHED)
    assert client.post("/api/v1/auth/logout", headers=auth.a.headers("customer")).status_code == 204
    wait_for(lambda: portal.disconnected)
    assert told_then_disconnected(portal, "session.revoked")
    assert portal.payloads("session.revoked")[0]["session_ids"] == [sid_of(auth.a.tokens["customer"])]


@pytest.mark.parametrize("change", ["password", "deactivation", "deletion"])
def test_account_changes_end_every_socket_of_the_user(change, client, auth, listen):
    user_id = auth.a.user_ids["technician"]
    second = login(client, auth.a.email("technician")).get_json()["data"]["access_token"]
    sockets = [listen(auth.a.tokens["technician"], "/", events=WATCHED),
               listen(auth.a.tokens["technician"], "/mobile", events=WATCHED), listen(second, "/", events=WATCHED)]
    bystander = listen(auth.a.tokens["dispatcher"], "/", events=WATCHED)
    admin = auth.a.headers("admin")
    if change == "deletion":
        assert client.delete(f"/api/v1/users/{user_id}", headers=admin).status_code == 204
    else:
        body = {"password": "another-password-1"} if change == "password" else {"is_active": False}
        assert client.patch(f"/api/v1/users/{user_id}", headers=admin, json=body).status_code == 200

    wait_for(lambda: all(s.disconnected for s in sockets))
    for ended in sockets:
        assert told_then_disconnected(ended, "session.revoked")
        assert ended.payloads("session.revoked") == [{"user_id": user_id, "reason": "account_changed",
                                                       "session_ids": None}]
    assert bystander.client.connected and bystander.events() == []


def test_reusing_a_refresh_token_ends_the_sessions_sockets(client, auth, listen):
    first = login(client, auth.a.email("admin")).get_json()["data"]
    console = listen(first["access_token"], "/", events=WATCHED)
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}).status_code == 200
    assert client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}).status_code == 401

    wait_for(lambda: console.disconnected)
    assert told_then_disconnected(console, "session.revoked")
    assert console.payloads("session.revoked") == [{"user_id": auth.a.user_ids["admin"],
                                                    "reason": "refresh_token_reuse",
                                                    "session_ids": [sid_of(first["access_token"])]}]


def test_a_socket_ends_when_its_token_expires_unless_it_reauthenticates(app, board, client, auth, listen):
    token = auth.a.tokens["dispatcher"]
    expiry = int(time.time()) + 3
    expiring = listen(forge(app, token, exp=expiry), "/", events=WATCHED)
    extended = listen(forge(app, token, exp=expiry), "/", events=WATCHED)

    later = int(time.time()) + 600
    ack = extended.call("reauthenticate", {"token": forge(app, token, exp=later)})
    assert ack == {"ok": True, "expires_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(later))}
    another_session = login(client, auth.a.email("dispatcher")).get_json()["data"]["access_token"]
    for foreign in (another_session, auth.a.tokens["admin"], "not-a-token"):
        assert extended.call("reauthenticate", {"token": foreign})["ok"] is False
    assert extended.call("reauthenticate", {})["ok"] is False

    wait_for(lambda: expiring.disconnected, timeout=20)
    assert told_then_disconnected(expiring, "session.expired")
    assert expiring.payloads("session.expired") == [
        {"expired_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expiry))}]
    board.move(board.job(board.customer()["id"])["id"], "scheduled")
    wait_for(lambda: extended.payloads("job.status.updated"))
    assert not extended.disconnected and extended.client.connected


def test_a_session_ended_unannounced_is_caught_by_the_sweep(db, auth, listen):
    """Should the revocation message be missed, the periodic re-check ends the socket anyway."""
    console = listen(auth.a.tokens["support"], "/", events=WATCHED)
    sid = sid_of(auth.a.tokens["support"])
    db.session.execute(update(AuthSession).where(AuthSession.id == sid)
                       .values(revoked_at=utcnow(), revoked_reason="logout"))  # no event recorded
    db.session.commit()

    wait_for(lambda: console.disconnected, timeout=20)
    assert told_then_disconnected(console, "session.revoked")
    assert console.payloads("session.revoked") == [{"user_id": auth.a.user_ids["support"], "reason": "logout",
                                                    "session_ids": [sid]}]


def test_a_role_change_reconnects_the_user_with_the_new_rights(board, client, auth, listen):
    tech_token = auth.a.tokens["technician"]
    before = listen(tech_token, "/", events=WATCHED)
    bystander = listen(auth.a.tokens["support"], "/", events=WATCHED)
    job = board.job(board.customer()["id"])["id"]
    promoted = client.patch(f"/api/v1/users/{auth.a.user_ids['technician']}", headers=auth.a.headers("admin"),
                            json={"role": "dispatcher"})
    assert promoted.status_code == 200

    wait_for(lambda: before.disconnected)
    assert told_then_disconnected(before, "permissions.changed")
    assert before.payloads("permissions.changed") == [{"reason": "role_changed"}]
    after = listen(tech_token, "/", events=WATCHED)  # the same token: the session lives on
    board.move(job, "scheduled")
    wait_for(lambda: after.payloads("job.status.updated"))  # now a reader of every job
    assert bystander.client.connected and bystander.events() == []


def test_new_permissions_of_a_role_reconnect_its_users(board, client, auth, listen):
    owner = auth.a.headers("owner")
    planner_role = client.post("/api/v1/admin/roles", headers=owner, json={
        "name": "planner", "permissions": ["jobs:read_assigned"]}).get_json()["data"]
    _, planner_token = new_user(client, auth, "planner", "planner")
    planner = listen(planner_token, "/", events=WATCHED)
    bystander = listen(auth.a.tokens["dispatcher"], "/", events=WATCHED)
    assert client.patch(f"/api/v1/admin/roles/{planner_role['id']}", headers=owner,
                        json={"permissions": ["jobs:read_assigned", "jobs:read"]}).status_code == 200

    wait_for(lambda: planner.disconnected)
    assert told_then_disconnected(planner, "permissions.changed")
    assert planner.payloads("permissions.changed") == [{"reason": "role_permissions_changed"}]
    again = listen(planner_token, "/", events=WATCHED)
    board.move(board.job(board.customer()["id"])["id"], "scheduled")
    wait_for(lambda: again.payloads("job.status.updated") and bystander.payloads("job.status.updated"))
    assert not bystander.disconnected


def test_rights_changed_unannounced_are_caught_by_the_sweep(db, auth, listen):
    console = listen(auth.a.tokens["support"], "/", events=WATCHED)
    db.session.execute(update(Role).where(Role.organization_id == auth.a.org_id, Role.name == "support")
                       .values(permissions=["users:read"])  # as a restore would: no event
                       .execution_options(all_tenants=True))
    db.session.commit()

    wait_for(lambda: console.disconnected, timeout=20)
    assert told_then_disconnected(console, "permissions.changed")
    assert console.payloads("permissions.changed") == [{"reason": "permissions_changed"}]

"""The session check from each web process's memory still revokes at once, in every process
(models.identity.session_cache, web.session_revocation, docs/security.md#sessions)."""
import threading
import time
from types import SimpleNamespace

import pytest
import redis as redis_lib
import requests
from sqlalchemy import update

from models.core.db import db, utcnow
from models.identity import sessions
from models.identity.session_cache import Invalidation, SessionCache
from models.identity.sessions import AuthSession
from models.identity.user import User
from tests.support.auth import bearer
from tests.support.backups import backup, restore
from tests.support.processes import stop
from tests.support.waiting import wait_for
from scripts.services import free_port, start_embedded_redis
from tests.support.web_processes import start_web_process
from web.auth import issue_access_token
from web.session_revocation import Listener

ME = "/api/v1/auth/me"
CACHED = {"SESSION_CACHE_SECONDS": "30"}
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture(scope="module")
def web_a(app):
    proc, url = start_web_process(app, **CACHED)
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def web_b(app):
    proc, url = start_web_process(app, **CACHED)
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def web_deaf(app):
    """A web process whose pub/sub Redis is unreachable: it can never hear an invalidation."""
    proc, url = start_web_process(app, SOCKETIO_MESSAGE_QUEUE=DEAD_REDIS, **CACHED)
    yield url
    stop(proc)


def get(url, path, token):
    return requests.get(f"{url}{path}", headers=bearer(token), timeout=10)


def new_session(app, user_id: int) -> tuple[str, str]:
    """(access token, session id) of a fresh session of the user."""
    with app.app_context():
        user = db.session.get(User, user_id, execution_options={"all_tenants": True})
        session, _refresh = sessions.start_session(user)
        token = issue_access_token(user, session.id)
        db.session.commit()
        return token, session.id


def revoke_unannounced(app, session_id: str) -> None:
    """End a session in the database behind every cache's back: no event, no ORM, no message."""
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(update(AuthSession).where(AuthSession.id == session_id).values(revoked_at=utcnow()))


def answers_from_its_cache(app, url, user_id) -> bool:
    """Whether the process keeps session checks now: a session it checked once, then ended
    unannounced, still gets in."""
    token, session_id = new_session(app, user_id)
    assert get(url, ME, token).status_code == 200
    revoke_unannounced(app, session_id)
    return get(url, ME, token).status_code == 200


def warm(app, auth, *urls):
    for url in urls:
        wait_for(lambda: answers_from_its_cache(app, url, auth.a.user_ids["owner"]), timeout=15)


def answered_within(check, label: str, wanted=(401, 403), timeout=1.0) -> float:
    """Poll `check()` (a status code) until it is one of `wanted`; returns and prints the delay."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check() in wanted:
            delay = time.monotonic() - started
            print(f"\n{label}: {wanted} after {delay * 1000:.1f} ms")
            return delay
        time.sleep(0.005)
    pytest.fail(f"{label}: no {wanted} within {timeout} s")


refused_within = answered_within


def test_a_logout_through_one_process_ends_the_session_in_the_other(app, auth, web_a, web_b):
    warm(app, auth, web_a, web_b)
    token = auth.a.tokens["dispatcher"]
    assert get(web_a, ME, token).status_code == 200
    assert get(web_b, ME, token).status_code == 200  # now kept by both

    assert requests.post(f"{web_a}/api/v1/auth/logout", headers=bearer(token), timeout=10).status_code == 204
    assert get(web_a, ME, token).status_code == 401  # the process that committed forgot at once
    refused_within(lambda: get(web_b, ME, token).status_code, "logout through A, checked on B")


def test_deactivating_a_user_through_one_process_locks_them_out_of_the_other(app, auth, web_a, web_b):
    warm(app, auth, web_a, web_b)
    token, user_id = auth.a.tokens["dispatcher"], auth.a.user_ids["dispatcher"]
    assert get(web_b, ME, token).status_code == 200

    changed = requests.patch(f"{web_a}/api/v1/users/{user_id}", json={"is_active": False},
                             headers=auth.a.headers("owner"), timeout=10)
    assert changed.status_code == 200, changed.text
    refused_within(lambda: get(web_b, ME, token).status_code, "deactivation through A, checked on B")


def test_deleting_a_user_through_one_process_locks_them_out_of_the_other(app, auth, web_a, web_b):
    warm(app, auth, web_a, web_b)
    token, user_id = auth.a.tokens["support"], auth.a.user_ids["support"]
    assert get(web_b, ME, token).status_code == 200

    deleted = requests.delete(f"{web_a}/api/v1/users/{user_id}", headers=auth.a.headers("owner"), timeout=10)
    assert deleted.status_code == 204, deleted.text
    refused_within(lambda: get(web_b, ME, token).status_code, "deletion through A, checked on B")


def test_a_role_losing_a_permission_through_one_process_is_refused_by_the_other(app, auth, web_a, web_b):
    warm(app, auth, web_a, web_b)
    token = auth.a.tokens["dispatcher"]
    assert get(web_b, "/api/v1/users", token).status_code == 200  # dispatchers read users

    roles = get(web_a, "/api/v1/admin/roles", auth.a.tokens["owner"]).json()["data"]
    dispatcher = next(role for role in roles if role["name"] == "dispatcher")
    fewer = [p for p in dispatcher["permissions"] if p != "users:read"]
    changed = requests.patch(f"{web_a}/api/v1/admin/roles/{dispatcher['id']}", json={"permissions": fewer},
                             headers=auth.a.headers("owner"), timeout=10)
    assert changed.status_code == 200, changed.text
    refused_within(lambda: get(web_b, "/api/v1/users", token).status_code, "role permissions through A, on B")
    assert get(web_b, ME, token).json()["data"]["permissions"] == sorted(fewer)


def test_a_user_given_another_role_through_one_process_has_its_rights_in_the_other(app, auth, web_a, web_b):
    warm(app, auth, web_a, web_b)
    token, user_id = auth.a.tokens["dispatcher"], auth.a.user_ids["dispatcher"]
    assert get(web_b, "/api/v1/users", token).status_code == 200

    changed = requests.patch(f"{web_a}/api/v1/users/{user_id}", json={"role": "technician"},
                             headers=auth.a.headers("owner"), timeout=10)
    assert changed.status_code == 200, changed.text
    refused_within(lambda: get(web_b, "/api/v1/users", token).status_code, "role change through A, on B")
    assert get(web_b, ME, token).json()["data"]["user"]["role"] == "technician"


def test_a_restore_by_a_worker_gives_a_role_back_its_permissions_in_every_process(app, auth, client, worker,
                                                                                 web_b):
    warm(app, auth, web_b)
    token = auth.a.tokens["dispatcher"]
    taken = backup(client, auth.a)
    roles = client.get("/api/v1/admin/roles", headers=auth.a.headers("owner")).get_json()["data"]
    dispatcher = next(role for role in roles if role["name"] == "dispatcher")
    fewer = [p for p in dispatcher["permissions"] if p != "users:read"]
    assert client.patch(f"/api/v1/admin/roles/{dispatcher['id']}", json={"permissions": fewer},
                        headers=auth.a.headers("owner")).status_code == 200
    answered_within(lambda: get(web_b, "/api/v1/users", token).status_code, "role change in the test process, on B")
    assert get(web_b, "/api/v1/users", token).status_code == 403  # kept so, with the fewer permissions

    assert restore(client, auth.a, taken["id"])["status"] == "succeeded"  # roles rewritten in bulk, no ORM
    answered_within(lambda: get(web_b, "/api/v1/users", token).status_code, "restore by a worker, on B",
                    wanted=(200,))


def test_a_process_that_cannot_hear_invalidations_checks_every_request_in_the_database(app, auth, web_deaf):
    token, session_id = new_session(app, auth.a.user_ids["dispatcher"])
    for _ in range(3):
        assert get(web_deaf, ME, token).status_code == 200
    revoke_unannounced(app, session_id)
    assert get(web_deaf, ME, token).status_code == 401


# --- in-process: the cache itself ---------------------------------------------------------

def _row(user_id=1, organization_id=1, role="dispatcher"):
    return SimpleNamespace(id=user_id, organization_id=organization_id, role=role)


class CountingQuery:
    """A stand-in for the database's answer, counting how often it is asked."""

    def __init__(self, during=None):
        self.calls, self.during = 0, during

    def __call__(self, user_id, session_id):
        self.calls += 1
        if self.during is not None:
            self.during()
        return _row(user_id), ["jobs:read"]


def test_an_invalidation_arriving_during_a_load_keeps_that_load_out_of_the_cache():
    cache = SessionCache(30)
    cache.connected(True)
    racing = CountingQuery(during=lambda: cache.evict(Invalidation(sessions=frozenset({"s1"}))))
    cache.load(1, "s1", racing)
    assert len(cache) == 0

    settled = CountingQuery()
    cache.load(1, "s1", settled)
    cache.load(1, "s1", settled)
    assert settled.calls == 1  # stored once nothing interfered, then answered from memory


def test_the_cache_forgets_a_user_a_session_a_role_or_everything():
    cache = SessionCache(30)
    cache.connected(True)
    query = CountingQuery()
    for user_id, session_id in ((1, "a"), (2, "b"), (3, "c")):
        cache.load(user_id, session_id, query)
    cache.evict(Invalidation(users=frozenset({1})))
    cache.evict(Invalidation(sessions=frozenset({"b"})))
    assert len(cache) == 1
    cache.evict(Invalidation(roles=frozenset({(2, "dispatcher")})))  # another organization's role
    assert len(cache) == 1
    cache.evict(Invalidation(roles=frozenset({(1, "dispatcher")})))
    assert len(cache) == 0
    cache.load(1, "a", query)
    cache.evict(Invalidation.from_json(Invalidation(everything=True).to_json()))
    assert len(cache) == 0


def test_without_its_subscription_the_cache_keeps_nothing_and_a_reconnect_starts_empty():
    cache = SessionCache(30)
    query = CountingQuery()
    cache.load(1, "a", query)
    cache.load(1, "a", query)
    assert query.calls == 2 and len(cache) == 0  # never connected: every request queries

    cache.connected(True)
    cache.load(1, "a", query)
    cache.connected(False)
    assert len(cache) == 0
    cache.load(1, "a", query)
    assert query.calls == 4


def test_an_unreadable_message_forgets_everything():
    assert Invalidation.from_json(b"not json").everything
    assert Invalidation.from_json('{"users": ["x"]}').everything


def test_a_bounded_cache_starts_over_when_full():
    cache = SessionCache(30, max_entries=2)
    cache.connected(True)
    query = CountingQuery()
    for session_id in ("a", "b", "c"):
        cache.load(1, session_id, query)
    assert len(cache) == 1


def test_a_listener_that_loses_redis_stops_the_cache_until_it_is_back_and_starts_it_empty(tmp_path):
    port = free_port()
    url, stop_redis = start_embedded_redis(tmp_path / "redis", port)
    cache = SessionCache(30)
    listener = Listener(cache, url, "session-cache-test", lambda fn: threading.Thread(target=fn, daemon=True).start())
    listener.ensure_running()
    try:
        wait_for(lambda: cache.serving)
        query = CountingQuery()
        cache.load(1, "a", query)
        cache.load(2, "b", query)
        redis_lib.Redis.from_url(url).publish("session-cache-test", Invalidation(sessions=frozenset({"a"})).to_json())
        wait_for(lambda: len(cache) == 1)  # a message evicts what it names, and only that

        stop_redis()
        wait_for(lambda: not cache.serving)
        assert len(cache) == 0
        cache.load(2, "b", query)
        cache.load(2, "b", query)
        assert query.calls == 4  # while it cannot hear, every check queries

        url, stop_redis = start_embedded_redis(tmp_path / "redis", port)
        wait_for(lambda: cache.serving, timeout=15)
        assert len(cache) == 0
    finally:
        listener.stop()
        stop_redis()

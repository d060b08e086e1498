"""The per-request session check from memory: `(user, permissions)` of a live session, kept a
few seconds per process, and forgotten in every process the moment something changes its answer.

Every authenticated request asks `sessions.load_active_user`. A `SessionCache` keeps its answers
(never a refusal) for `seconds`, keyed by (user id, session id). What can change an answer is
announced after its commit as an `Invalidation`, from whichever process committed (web or worker):
- any flushed change to a User row (its columns feed answers such as /auth/me), or to a Role row;
- `SessionsEnded` (logout, deactivation, password change, refresh-token reuse, idle sweep, restore);
- `PermissionsChanged` (a user's role, a role's permissions);
- a restore, which rewrites users and roles in bulk (models.ops.restore announces `everything`).
`announce` evicts this process's caches at once and hands the invalidation to the publisher (Redis
pub/sub, bound by the composition root); each web process's listener evicts its own cache.

A cache serves only while its listener is connected (`connected(True)`): otherwise every request
queries, as without a cache, and a reconnect starts empty. A generation counter, bumped by every
eviction, keeps a load that started before an invalidation from being stored after it.
See docs/security.md, "Sessions"."""
import json
import logging
import threading
import time
import weakref
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session

from models.core import events
from models.identity.role import PermissionsChanged, Role
from models.identity.sessions import SessionsEnded
from models.identity.user import User

log = logging.getLogger(__name__)

MAX_ENTRIES = 10_000
_CHANGED = "fieldops_session_cache_changed"


@dataclass(frozen=True)
class Invalidation:
    """What changed: users (their row), sessions (revoked), roles ((organization id, name): their
    permissions), or everything."""

    users: frozenset = frozenset()
    sessions: frozenset = frozenset()
    roles: frozenset = frozenset()
    everything: bool = False

    def __bool__(self) -> bool:
        return bool(self.everything or self.users or self.sessions or self.roles)

    def to_json(self) -> str:
        return json.dumps({"users": sorted(self.users), "sessions": sorted(self.sessions),
                           "roles": sorted([org, name] for org, name in self.roles), "everything": self.everything})

    @classmethod
    def from_json(cls, raw) -> "Invalidation":
        """A message we cannot read forgets everything: never keep an entry we were told about."""
        try:
            data = json.loads(raw)
            return cls(frozenset(int(u) for u in data.get("users", ())), frozenset(data.get("sessions", ())),
                       frozenset((int(org), name) for org, name in data.get("roles", ())),
                       bool(data.get("everything")))
        except (ValueError, TypeError, AttributeError):
            log.warning("unreadable session invalidation %r: forgetting every cached session", raw)
            return cls(everything=True)


class SessionCache:
    """One per app. Plain dict operations under a lock: safe for threads and greenlets alike."""

    def __init__(self, seconds: float, max_entries: int = MAX_ENTRIES):
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: dict[tuple, tuple[float, tuple]] = {}
        self._generation = 0
        self._connected = False
        self._lock = threading.Lock()
        _caches.add(self)

    @property
    def serving(self) -> bool:
        return self.seconds > 0 and self._connected

    def __len__(self) -> int:
        return len(self._entries)

    def load(self, user_id: int, session_id: str, query):
        """`query(user_id, session_id)`'s answer, from memory while it is fresh and nothing
        changed it. A refusal (None) is never kept: a revoked token queries every time."""
        if not self.serving:
            return query(user_id, session_id)
        key = (user_id, session_id)
        now = time.monotonic()
        kept = self._entries.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]
        generation = self._generation  # before the query: an eviction during it forbids storing
        loaded = query(user_id, session_id)
        if loaded is not None:
            self._store(key, loaded, generation, now + self.seconds)
        return loaded

    def _store(self, key, loaded, generation: int, expires_at: float) -> None:
        with self._lock:
            if generation != self._generation or not self.serving:
                return
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (expires_at, loaded)

    def evict(self, invalidation: Invalidation) -> None:
        with self._lock:
            self._generation += 1
            if invalidation.everything:
                self._entries.clear()
                return
            doomed = [key for key, (_, (user, _permissions)) in self._entries.items()
                      if key[0] in invalidation.users or key[1] in invalidation.sessions
                      or (user.organization_id, user.role) in invalidation.roles]
            for key in doomed:
                del self._entries[key]

    def connected(self, up: bool) -> None:
        """The listener's state. Either way the cache starts over: what was published while it
        was away is lost, and while it is away nothing is kept."""
        with self._lock:
            self._connected = up
            self._generation += 1
            self._entries.clear()


_caches: "weakref.WeakSet[SessionCache]" = weakref.WeakSet()
_publisher = None


def publish_with(publisher) -> None:
    """`publisher(invalidation)` tells the other processes (the composition root binds Redis pub/sub)."""
    global _publisher
    _publisher = publisher


def announce(invalidation: Invalidation) -> None:
    """After a commit: forget in this process now, then tell the others."""
    if not invalidation:
        return
    for cache in list(_caches):
        cache.evict(invalidation)
    if _publisher is not None:
        try:
            _publisher(invalidation)
        except Exception:  # the other processes' listeners are down too, then: they are not serving
            log.exception("could not publish %r", invalidation)


@event.listens_for(Session, "after_flush")
def _note_changes(session, flush_context):
    users, roles = set(), set()
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, User) and obj.id is not None:
            users.add(obj.id)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Role):
            roles.add((obj.organization_id, obj.name))
    if users or roles:
        noted = session.info.setdefault(_CHANGED, (set(), set()))
        noted[0].update(users)
        noted[1].update(roles)


@event.listens_for(Session, "after_commit")
def _announce_changes(session):
    noted = session.info.pop(_CHANGED, None)
    if noted:
        announce(Invalidation(users=frozenset(noted[0]), roles=frozenset(noted[1])))


@event.listens_for(Session, "after_rollback")
def _forget_changes(session):
    session.info.pop(_CHANGED, None)


def _sessions_ended(evt: SessionsEnded) -> None:
    if evt.session_ids is None:
        announce(Invalidation(users=frozenset({evt.user_id})))
    else:
        announce(Invalidation(sessions=frozenset(evt.session_ids)))


def _permissions_changed(evt: PermissionsChanged) -> None:
    if evt.user_id is not None:
        announce(Invalidation(users=frozenset({evt.user_id})))
    if evt.role is not None:
        announce(Invalidation(roles=frozenset({(evt.organization_id, evt.role)})))


events.subscribe(SessionsEnded, _sessions_ended)
events.subscribe(PermissionsChanged, _permissions_changed)

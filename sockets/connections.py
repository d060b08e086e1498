"""The sockets open on this web process, and the sweep that ends the ones that
must not stay open (docs/events.md, "How a socket ends").

A socket lives at most until the access token it connected with expires, unless
the client sends `reauthenticate {token}` with a fresher token of the same session.
Every SOCKET_SWEEP_SECONDS one background task per web process looks at its own
sockets: it ends the expired ones (`session.expired`), and, in one query, the ones
whose session has ended or whose user's rights have changed, should the message
that ends them at once (sockets.identity_relay) have been missed."""
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from models.core.context import Actor
from models.identity import sessions
from sockets import rooms

log = logging.getLogger(__name__)


def iso_from_timestamp(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Connection:
    organization_id: int
    user_id: int
    session_id: str
    role: str
    permissions: tuple  # sorted: compared with the role's permissions now
    expires_at: float  # the access token's `exp`, seconds since the epoch
    actor: Actor  # who the socket acts as when it subscribes (models.core.context)


class Connections:
    """This process's sockets, by (namespace, sid)."""

    def __init__(self):
        self._open: dict[tuple[str, str], Connection] = {}

    def put(self, namespace: str, sid: str, connection: Connection) -> None:
        self._open[(namespace, sid)] = connection

    def get(self, namespace: str, sid: str) -> Connection | None:
        return self._open.get((namespace, sid))

    def drop(self, namespace: str, sid: str) -> None:
        self._open.pop((namespace, sid), None)

    def snapshot(self) -> dict[tuple[str, str], Connection]:
        return dict(self._open)


def _ending(conn: Connection, state, now: float):
    """(event, payload) to end this socket with, or None to keep it."""
    if state is None or state.ended_reason is not None:
        return rooms.SESSION_REVOKED, {"user_id": conn.user_id,
                                       "reason": state.ended_reason if state else "session_ended",
                                       "session_ids": [conn.session_id]}
    if (state.permissions != conn.permissions or state.role != conn.role
            or state.links != (conn.actor.customer_id, conn.actor.vendor_id)):
        return rooms.PERMISSIONS_CHANGED, {"reason": "permissions_changed"}
    if conn.expires_at <= now:
        return rooms.SESSION_EXPIRED, {"expired_at": iso_from_timestamp(conn.expires_at)}
    return None


class Sweeper:
    def __init__(self, connections: Connections):
        self.connections = connections
        self._running = False

    def ensure_running(self, socketio, app) -> None:
        """Started by the first connection, so processes that serve no socket never sweep."""
        if not self._running:
            self._running = True
            socketio.start_background_task(self._run, socketio, app)

    def _run(self, socketio, app) -> None:
        interval = app.config["SOCKET_SWEEP_SECONDS"]
        while True:
            socketio.sleep(interval)
            try:
                with app.app_context():
                    self.sweep(socketio.server.manager)
            except Exception:  # a failed sweep (database down) must not stop the next ones
                log.exception("socket sweep failed")

    def sweep(self, queue) -> int:
        """End the sockets that must end; returns how many."""
        open_now = self.connections.snapshot()
        if not open_now:
            return 0
        states = sessions.session_states({conn.session_id for conn in open_now.values()})
        now = time.time()
        ended = 0
        for (namespace, sid), conn in open_now.items():
            ending = _ending(conn, states.get(conn.session_id), now)
            if ending is not None:
                queue.end_here(sid, namespace, *ending)
                ended += 1
        return ended

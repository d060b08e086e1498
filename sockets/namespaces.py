"""Socket.IO namespaces: a valid access token to connect, rooms joined on connect
from the user's permissions, `subscribe` to further rooms only when the caller may
read them, `reauthenticate` to outlive the connecting token, `resume` to catch up on
the events missed while away (docs/events.md)."""
import logging
from dataclasses import replace

from flask import current_app, request
from flask_jwt_extended import decode_token
from flask_socketio import ConnectionRefusedError, Namespace, join_room, leave_room

from models.core import context
from models.core.permissions import grants
from models.identity import sessions
from models.identity.actors import actor_fields
from models.identity.permissions import is_staff
from models.identity.tokens import user_id_of
from sockets import event_log, rooms, subscriptions
from sockets.connections import Connection, Connections, Sweeper, iso_from_timestamp
from sockets.emitter import event_id_field

log = logging.getLogger(__name__)


def _token_of(data) -> str | None:
    token = data.get("token") if isinstance(data, dict) else None
    return token if isinstance(token, str) and token else None


def _access(token: str):
    """(claims, user, permissions) of a usable access token of a live session, or None."""
    try:
        claims = decode_token(token)  # refuses what is not an access token (web.auth)
    except Exception:
        return None
    loaded = sessions.load_active_user(user_id_of(claims["sub"]), claims["sid"])
    return (claims, *loaded) if loaded else None


class AuthenticatedNamespace(Namespace):
    """Refuses a connection without a valid token, or whose role `admits` refuses."""

    def __init__(self, namespace, connections: Connections, sweeper: Sweeper):
        super().__init__(namespace)
        self.connections = connections
        self.sweeper = sweeper

    def admits(self, permissions) -> bool:
        return False  # subclasses say whom they serve

    def on_connect(self, auth=None):
        token = _token_of(auth)
        if token is None:
            raise ConnectionRefusedError("unauthorized: connect with auth {token: <access token>}")
        access = _access(token)
        if access is None:
            raise ConnectionRefusedError("unauthorized: invalid or expired token, or session ended")
        claims, user, permissions = access
        if not self.admits(permissions):
            raise ConnectionRefusedError(f"forbidden: {self.namespace} is not for your role")
        conn = Connection(user.organization_id, user.id, claims["sid"], user.role, tuple(sorted(permissions)),
                          float(claims["exp"]), context.Actor(**actor_fields(user, permissions)))
        self.connections.put(self.namespace, request.sid, conn)
        for room in rooms.audience_rooms(conn.organization_id, conn.user_id, conn.session_id, conn.role,
                                         permissions):
            join_room(room)
        self.sweeper.ensure_running(self.socketio, current_app._get_current_object())

    def on_disconnect(self, reason=None):
        self.connections.drop(self.namespace, request.sid)

    def on_reauthenticate(self, data):
        """`reauthenticate {token}`: a fresher access token of this socket's session keeps the
        socket open until that token expires. Acknowledged `{ok: true, expires_at}` or
        `{ok: false, error}` (the socket then still ends when its current token expires)."""
        conn = self.connections.get(self.namespace, request.sid)
        token = _token_of(data)
        if conn is None or token is None:
            return {"ok": False, "error": "send {token: <access token>}"}
        access = _access(token)
        if access is None:
            return {"ok": False, "error": "invalid or expired token, or session ended"}
        claims, user, _permissions = access
        if user.id != conn.user_id or claims["sid"] != conn.session_id:
            return {"ok": False, "error": "not a token of this socket's session: connect again with it"}
        conn = replace(conn, expires_at=max(conn.expires_at, float(claims["exp"])))
        self.connections.put(self.namespace, request.sid, conn)
        return {"ok": True, "expires_at": iso_from_timestamp(conn.expires_at)}

    def on_resume(self, data):
        """`resume {since: <event_id>}`: the events after `since` that this socket's rooms would have
        received, each under its own name, then `resume.done {count, last_event_id}`; or only
        `resume.gap {oldest_event_id}` when they are no longer all kept. Acknowledged `{ok: true}`
        or, for a malformed `since`, `{ok: false, error}` (and nothing sent)."""
        since = data.get("since") if isinstance(data, dict) else None
        conn = self.connections.get(self.namespace, request.sid)
        if conn is None or event_log.parse_event_id(since) is None:
            return {"ok": False, "error": "send {since: '<event_id>'}, an event id you received"}
        sid, server = request.sid, self.socketio.server
        try:
            caught = event_log.catch_up(current_app.extensions["redis"], conn.organization_id, since,
                                        self.namespace, server.rooms(sid, namespace=self.namespace))
        except Exception:  # Redis unreachable: the client may try again
            log.exception("resume failed on %s", self.namespace)
            return {"ok": False, "error": "the events could not be read now; try again"}

        def send(event, payload):  # to this socket only, from this process: no queue traffic
            server.emit(event, payload, to=sid, namespace=self.namespace, ignore_queue=True)

        if caught.gap:
            send(rooms.RESUME_GAP, {"oldest_event_id": caught.oldest_event_id, "reason": caught.gap})
            return {"ok": True}
        id_field = event_id_field(self.namespace)
        for entry in caught.entries:
            send(entry.event, {**entry.payload, id_field: entry.event_id})
        send(rooms.RESUME_DONE, {"count": len(caught.entries), "last_event_id": caught.last_event_id})
        return {"ok": True}

    def on_subscribe(self, data):
        """`subscribe {room: "job:42"}`, acknowledged `{ok: true, room}` or `{ok: false, error}`."""
        room = data.get("room") if isinstance(data, dict) else None
        conn = self.connections.get(self.namespace, request.sid)
        if not isinstance(room, str) or conn is None:
            return {"ok": False, "error": "send {room: '<kind>:<id>'}"}
        with context.acting_as(conn.actor):
            allowed = subscriptions.may_join(room)
        if not allowed:
            return {"ok": False, "error": "not found"}
        join_room(room)
        return {"ok": True, "room": room}

    def on_unsubscribe(self, data):
        room = data.get("room") if isinstance(data, dict) else None
        if isinstance(room, str) and subscriptions.is_subscribable(room):
            leave_room(room)
        return {"ok": True}


class StaffNamespace(AuthenticatedNamespace):
    """Dispatch console (/) and technician app (/mobile): staff roles only."""

    def admits(self, permissions) -> bool:
        return is_staff(permissions)


class CustomerNamespace(AuthenticatedNamespace):
    def admits(self, permissions) -> bool:
        return grants(permissions, "portal:access")


def register_namespaces(socketio) -> None:
    connections = Connections()
    sweeper = Sweeper(connections)
    socketio.on_namespace(StaffNamespace(rooms.DISPATCH, connections, sweeper))
    socketio.on_namespace(StaffNamespace(rooms.MOBILE, connections, sweeper))
    socketio.on_namespace(CustomerNamespace(rooms.CUSTOMER, connections, sweeper))

"""Socket.IO namespaces: a valid access token to connect, rooms joined on
connect, `subscribe` to further rooms only when the caller may read them."""
from dataclasses import dataclass

from flask import request
from flask_jwt_extended import decode_token
from flask_socketio import ConnectionRefusedError, Namespace, join_room, leave_room

from models import context
from models.identity import sessions
from models.identity.permissions import grants, is_staff
from sockets import rooms, subscriptions


@dataclass(frozen=True)
class Connection:
    organization_id: int
    user_id: int
    permissions: tuple


class AuthenticatedNamespace(Namespace):
    """Refuses a connection without a valid token, or whose role `admits` refuses."""

    def __init__(self, namespace):
        super().__init__(namespace)
        self.connections: dict[str, Connection] = {}

    def admits(self, permissions) -> bool:
        return False  # subclasses say whom they serve

    def _authenticate(self, auth):
        token = auth.get("token") if isinstance(auth, dict) else None
        if not token:
            raise ConnectionRefusedError("unauthorized: connect with auth {token: <access token>}")
        try:
            claims = decode_token(token)
        except Exception:
            raise ConnectionRefusedError("unauthorized: invalid or expired token")
        loaded = sessions.load_active_user(int(claims["sub"]), claims.get("sid", ""))
        if loaded is None:
            raise ConnectionRefusedError("unauthorized: session ended")
        user, permissions = loaded
        if not self.admits(permissions):
            raise ConnectionRefusedError(f"forbidden: {self.namespace} is not for your role")
        return user, permissions

    def on_connect(self, auth=None):
        user, permissions = self._authenticate(auth)
        self.connections[request.sid] = Connection(user.organization_id, user.id, tuple(permissions))
        for room in (rooms.org_room(user.organization_id), rooms.user_room(user.id),
                     rooms.role_room(user.organization_id, user.role)):
            join_room(room)

    def on_disconnect(self, reason=None):
        self.connections.pop(request.sid, None)

    def on_subscribe(self, data):
        """`subscribe {room: "job:42"}`, acknowledged `{ok: true, room}` or `{ok: false, error}`."""
        room = data.get("room") if isinstance(data, dict) else None
        conn = self.connections.get(request.sid)
        if not isinstance(room, str) or conn is None:
            return {"ok": False, "error": "send {room: '<kind>:<id>'}"}
        with context.acting_as(organization_id=conn.organization_id, user_id=conn.user_id):
            allowed = subscriptions.may_join(room, conn.permissions)
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
    socketio.on_namespace(StaffNamespace(rooms.DISPATCH))
    socketio.on_namespace(StaffNamespace(rooms.MOBILE))
    socketio.on_namespace(CustomerNamespace(rooms.CUSTOMER))

"""Identity events -> sockets ended on every namespace, in every web process.
Runs after commit, in whichever process committed (web or worker)."""
from models.core import events
from models.identity.role import PermissionsChanged
from models.identity.sessions import SessionsEnded
from sockets import rooms
from sockets.emitter import emit_then_disconnect


def _sessions_ended(evt: SessionsEnded) -> None:
    """`session.revoked` to the ended sessions' sockets (every socket of the user when
    all their sessions ended), then disconnect them: the client signs out."""
    if evt.session_ids is None:
        audience = [rooms.user_room(evt.user_id)]
    else:
        audience = [rooms.session_room(sid) for sid in evt.session_ids]
    payload = {"user_id": evt.user_id, "reason": evt.reason,
               "session_ids": list(evt.session_ids) if evt.session_ids is not None else None}
    for namespace in rooms.NAMESPACES:
        emit_then_disconnect(rooms.SESSION_REVOKED, payload, room=audience, namespace=namespace)


def _permissions_changed(evt: PermissionsChanged) -> None:
    """`permissions.changed`, then disconnect: a socket's rooms are its rights at connect,
    so the client reconnects (same token) and joins the rooms of its new rights."""
    if evt.user_id is not None:
        audience = rooms.user_room(evt.user_id)
    else:
        audience = rooms.role_room(evt.organization_id, evt.role)
    for namespace in rooms.NAMESPACES:
        emit_then_disconnect(rooms.PERMISSIONS_CHANGED, {"reason": evt.reason}, room=audience, namespace=namespace)


events.subscribe(SessionsEnded, _sessions_ended)
events.subscribe(PermissionsChanged, _permissions_changed)

"""Domain events -> Socket.IO events. Runs after commit, in whichever process
committed (web or worker); the emitter routes through Redis to every web process."""
from models import events
from models.identity.sessions import SessionsEnded
from sockets import rooms
from sockets.emitter import emit


def _sessions_ended(evt: SessionsEnded) -> None:
    for namespace in rooms.NAMESPACES:
        payload = {"user_id": evt.user_id, "reason": evt.reason,
                   "session_ids": list(evt.session_ids) if evt.session_ids is not None else None}
        emit(rooms.SESSION_REVOKED, payload,
             room=rooms.user_room(evt.user_id), namespace=namespace)


events.subscribe(SessionsEnded, _sessions_ended)

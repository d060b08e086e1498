"""Domain events -> Socket.IO events. Runs after commit, in whichever process
committed (web or worker); the emitter routes through Redis to every web process."""
from models import events
from models.identity.sessions import SessionsEnded
from sockets import rooms
from sockets.emitter import emit


def _sessions_ended(evt: SessionsEnded) -> None:
    for namespace in rooms.NAMESPACES:
        emit(rooms.SESSION_REVOKED, {"user_id": evt.user_id, "reason": evt.reason},
             room=rooms.user_room(evt.user_id), namespace=namespace)


events.subscribe(SessionsEnded, _sessions_ended)

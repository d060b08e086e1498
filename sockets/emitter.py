"""The one way to send a Socket.IO event, from a web or a worker process.

Web processes emit through their Flask-SocketIO server; workers, which run no
server, through a write-only client of the same Redis message queue. Either
way every web process relays the event to its own connected clients. Emit
only after commit (subscribe to domain events; see sockets.relay)."""
import logging

from flask_socketio import SocketIO

log = logging.getLogger(__name__)

_target: SocketIO | None = None


def use_server(socketio: SocketIO) -> None:
    global _target
    _target = socketio


def use_message_queue(url: str, channel: str) -> None:
    global _target
    _target = SocketIO(message_queue=url, channel=channel)


def emit(event: str, payload: dict, *, room: str | list[str], namespace: str = "/") -> None:
    """`room` may be a list: a socket in several of them gets the event once."""
    if _target is None:
        log.warning("no Socket.IO emitter configured; dropped %s", event)
        return
    try:
        _target.emit(event, payload, to=room, namespace=namespace)
    except Exception:  # live events are best effort: never fail the committed work
        log.exception("could not emit %s to %s", event, room)

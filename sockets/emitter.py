"""The one way to send a Socket.IO event, from a web or a worker process.

Web processes emit through their Socket.IO server's message queue; workers, which
run no server, through a write-only instance of the same queue. Either way every
web process relays the event to its own connected clients. Emit only after commit
(subscribe to domain events; see sockets.identity_relay)."""
import logging

from sockets.message_queue import SocketQueue

log = logging.getLogger(__name__)

_queue: SocketQueue | None = None


def use_server(socketio) -> None:
    global _queue
    _queue = socketio.server.manager


def use_message_queue(url: str, channel: str) -> None:
    global _queue
    _queue = SocketQueue(url, channel=channel, write_only=True)


def emit(event: str, payload: dict, *, room: str | list[str], namespace: str = "/") -> None:
    """`room` may be a list: a socket in several of them gets the event once."""
    if _queue is None:
        log.warning("no Socket.IO emitter configured; dropped %s", event)
        return
    try:
        _queue.emit(event, payload, namespace=namespace, room=room)
    except Exception:  # live events are best effort: never fail the committed work
        log.exception("could not emit %s to %s", event, room)


def emit_then_disconnect(event: str, payload: dict, *, room: str | list[str], namespace: str) -> None:
    """Send `event` to the sockets in `room`, then disconnect them, in every web process."""
    emit(event, payload, room=room, namespace=namespace)
    if _queue is None:
        return
    try:
        _queue.disconnect_rooms([room] if isinstance(room, str) else list(room), namespace)
    except Exception:  # the periodic sweep of each web process catches what this misses
        log.exception("could not disconnect %s on %s", room, namespace)

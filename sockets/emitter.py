"""The one way to send a Socket.IO event, from a web or a worker process.

Web processes emit through their Socket.IO server's message queue; workers, which
run no server, through a write-only instance of the same queue. Either way every
web process relays the event to its own connected clients. Emit only after commit
(subscribe to domain events; see sockets.identity_relay).

An organization's event is first added to its stream (sockets.event_log), which gives
it its `event_id`, sent in the payload (`eventId` on /mobile) so the client can resume
from it. If Redis refuses the add, the event still goes out, without an id: live
events are best effort, and a client resuming from before it may miss that one."""
import logging

from sockets import event_log, rooms
from sockets.message_queue import SocketQueue

log = logging.getLogger(__name__)

_queue: SocketQueue | None = None
_streams = None  # the Redis client holding the organizations' event streams


def use_server(socketio) -> None:
    global _queue
    _queue = socketio.server.manager


def use_message_queue(url: str, channel: str) -> None:
    global _queue
    _queue = SocketQueue(url, channel=channel, write_only=True)


def keep_events_in(redis_client) -> None:
    global _streams
    _streams = redis_client


def event_id_field(namespace: str) -> str:
    """The payload key of the event id: the technician app's payloads are camelCase."""
    return "eventId" if namespace == rooms.MOBILE else "event_id"


def _kept(event: str, payload: dict, room: list[str], namespace: str, organization_id: int) -> str | None:
    if _streams is None:
        return None
    try:
        return event_log.append(_streams, organization_id, event, namespace, room, payload)
    except Exception:
        log.exception("could not keep %s in the event stream of organization %s", event, organization_id)
        return None


def emit(event: str, payload: dict, *, room: str | list[str], organization_id: int | None,
         namespace: str = "/") -> str | None:
    """`room` may be a list: a socket in several of them gets the event once. `organization_id`:
    whose stream keeps the event (resumable, with an event id, returned); None for the events that
    end sockets, which are not replayed."""
    if _queue is None:
        log.warning("no Socket.IO emitter configured; dropped %s", event)
        return None
    room = [room] if isinstance(room, str) else list(room)
    event_id = _kept(event, payload, room, namespace, organization_id) if organization_id is not None else None
    if event_id is not None:
        payload = {**payload, event_id_field(namespace): event_id}
    try:
        _queue.emit(event, payload, namespace=namespace, room=room)
    except Exception:  # live events are best effort: never fail the committed work
        log.exception("could not emit %s to %s", event, room)
    return event_id


def emit_then_disconnect(event: str, payload: dict, *, room: str | list[str], namespace: str) -> None:
    """Send `event` to the sockets in `room`, then disconnect them, in every web process (not kept)."""
    emit(event, payload, room=room, namespace=namespace, organization_id=None)
    if _queue is None:
        return
    try:
        _queue.disconnect_rooms([room] if isinstance(room, str) else list(room), namespace)
    except Exception:  # the periodic sweep of each web process catches what this misses
        log.exception("could not disconnect %s on %s", room, namespace)

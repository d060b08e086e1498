"""The Socket.IO message queue of every process: python-socketio's RedisManager plus
"disconnect every socket in these rooms", which it lacks (its pub/sub forwards a
disconnect by socket id only, and only the process holding a socket knows its id).

`disconnect_rooms` travels on the same channel as the emits, so each web process
handles an event emitted just before it first: a socket gets `session.revoked`,
then is disconnected. Workers use a write-only instance (nothing local to act on).

Payloads carry money as Decimals: packets to clients write them as JSON numbers
(PACKET_JSON, the server's), and the queue between processes reads them back as
Decimals (QUEUE_JSON), so that no float comes between."""
import json
import logging
from types import SimpleNamespace

import socketio
from socketio.packet import Packet

from models.core import money

log = logging.getLogger(__name__)

DISCONNECT_ROOMS = "fieldops:disconnect_rooms"
PACKET_JSON = SimpleNamespace(dumps=money.json_dumps, loads=json.loads)
QUEUE_JSON = SimpleNamespace(dumps=money.json_dumps, loads=money.json_loads)


class SocketQueue(socketio.RedisManager):
    name = "fieldops-redis"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, json=QUEUE_JSON, **kwargs)

    def set_server(self, server):
        super().set_server(server)
        self.json = QUEUE_JSON  # the base class takes the server's packet JSON here

    def emit(self, event, data, namespace=None, room=None, skip_sid=None, callback=None, to=None, **kwargs):
        """As the base class's, but the other web processes are told first: the base class delivers
        to this process's sockets before it publishes, so with hundreds of sockets here every other
        process's clients would wait for them. (Callbacks, binary data and several arguments keep
        its path.)"""
        room = to or room
        if kwargs.get("ignore_queue") or callback is not None or not isinstance(data, dict) \
                or Packet.data_is_binary([data]):
            return super().emit(event, data, namespace=namespace, room=room, skip_sid=skip_sid,
                                callback=callback, **kwargs)
        message = {"method": "emit", "event": event, "data": [data], "binary": False,
                   "namespace": namespace or "/", "room": room, "skip_sid": skip_sid, "callback": None,
                   "host_id": self.host_id}
        try:
            self._publish(message)
        finally:
            self._handle_emit(message)

    def disconnect_rooms(self, rooms: list[str], namespace: str) -> None:
        """Disconnect the sockets in any of `rooms` of `namespace`, in every web process."""
        message = {"method": DISCONNECT_ROOMS, "rooms": list(rooms), "namespace": namespace,
                   "host_id": self.host_id}
        if not self.write_only and self.server is not None:
            self._disconnect_here(message)
        self._publish(message)

    def end_here(self, sid: str, namespace: str, event: str, payload: dict) -> None:
        """Send `event` to one socket of this process, then disconnect it (no queue traffic)."""
        self.emit(event, payload, namespace=namespace, room=sid, ignore_queue=True)
        self.server.disconnect(sid, namespace=namespace, ignore_queue=True)

    def _disconnect_here(self, message: dict) -> None:
        namespace, rooms = message.get("namespace") or "/", message.get("rooms") or []
        try:
            sids = [sid for sid, _eio_sid in self.get_participants(namespace, rooms)] if rooms else []
            for sid in sids:
                self.server.disconnect(sid, namespace=namespace, ignore_queue=True)
        except Exception:  # never let one bad message stop this process's listener
            log.exception("could not disconnect rooms %s of %s", rooms, namespace)

    def _listen(self):
        """Take our own messages out of the stream; pass the rest on, decoded once, to the
        base class's listener (it accepts dicts)."""
        for raw in super()._listen():
            try:
                message = self.json.loads(raw) if isinstance(raw, (bytes, str)) else raw
            except ValueError:
                continue
            if isinstance(message, dict) and message.get("method") == DISCONNECT_ROOMS:
                if message.get("host_id") != self.host_id:
                    self._disconnect_here(message)
                continue
            yield message

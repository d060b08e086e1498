"""An event's frame, built once, written to each idle websocket by the greenlet that emits it.

python-socketio hands each recipient's packet to engine.io's `send_packet`, which queues it for that
socket's writer greenlet: a queue put, a greenlet wake-up, an encode and a websocket frame per socket,
about 45 µs each, so 500 sockets in a room cost ~20 ms per event. `DirectFanout` takes the place of
that one method. When a socket is idle (upgraded to websocket, nothing queued, no write in progress),
the emitting greenlet writes the frame itself, framed once per event for every recipient, without
blocking: the kernel takes the frame whole, or takes part of it and a background greenlet finishes it
holding the socket's send lock, or takes none and the packet is queued the library's way. Any other
state (polling, an upgrade under way, packets queued, a write in progress, a slow reader) goes the
library's way too, so a socket's packets keep their order and one slow client never holds up the rest.

The server also declines permessage-deflate: compressing each event once per socket costs more than the
fan-out (and a zlib context per connection); Socket.IO's own server disables it by default too.
Only for eventlet's server (the web process); other async modes keep the library's path."""
import contextlib
import ssl
import struct


def install(eio) -> "DirectFanout | None":
    """Give engine.io server `eio` the direct fan-out; None when its async mode is not eventlet."""
    return DirectFanout(eio) if eio.async_mode == "eventlet" else None


def frame(data: str | bytes) -> bytes:
    """An unmasked, final RFC 6455 frame: text for str, binary for bytes (a server sends no mask)."""
    payload, opcode = (data.encode(), 0x81) if isinstance(data, str) else (data, 0x82)
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", opcode, size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", opcode, 126, size)
    else:
        header = struct.pack("!BBQ", opcode, 127, size)
    return header + payload


class DirectFanout:
    def __init__(self, eio):
        self._eio = eio
        self._websockets: dict[str, object] = {}  # engine.io sid -> its open websocket
        self._queue_packet = eio.send_packet  # the library's way
        self._framed: tuple[object, bytes] = (None, b"")  # the last packet sent and its frame
        eio._async = {**eio._async, "websocket": self._websocket_app()}
        eio.send_packet = self.send_packet

    def _websocket_app(self):
        from engineio.async_drivers.eventlet import WebSocketWSGI  # imports eventlet: only in its mode

        websockets = self._websockets

        class RecordedWebSocket(WebSocketWSGI):
            """engine.io's eventlet websocket app, noting each open websocket under its socket's sid."""

            def __init__(self, handler, server):
                engineio_socket = getattr(handler, "__self__", None)  # engine.io passes its Socket's bound handler
                sid = getattr(engineio_socket, "sid", None)

                def handle(ws):
                    if sid is not None and _writable_directly(ws):
                        websockets[sid] = ws
                    try:
                        return handler(ws)
                    finally:
                        websockets.pop(sid, None)

                super().__init__(handle, server)

            def _negotiate_permessage_deflate(self, extensions):
                return None

        return RecordedWebSocket

    def send_packet(self, sid: str, pkt) -> None:
        """engine.io's `Server.send_packet`: write `pkt` to socket `sid` now if it is idle, else queue it."""
        ws = self._websockets.get(sid)
        engineio_socket = self._eio.sockets.get(sid) if ws is not None else None
        if engineio_socket is None or not _idle(engineio_socket):
            return self._queue_packet(sid, pkt)
        if not engineio_socket.check_ping_timeout():
            return None  # it has just closed the socket, as the library's send does
        # eventlet's lock of this websocket, held by whoever writes to it. Free with no one waiting:
        # a writer waiting holds packets it took from the queue, which must go first.
        lock = ws._sendlock
        if lock.balance <= 0 or not lock.acquire(blocking=False):
            return self._queue_packet(sid, pkt)
        data = self._frame_of(pkt)
        try:
            sent = ws.socket.fd.send(data)
        except BlockingIOError:
            sent = None  # the kernel took nothing: the library's queue
        except OSError:
            sent = len(data)  # the connection is gone: its reader greenlet sees it and ends the socket
        if sent is not None and sent < len(data):
            self._eio.start_background_task(_write_rest, ws, data[sent:])  # releases the lock when done
            return None
        lock.release()
        return self._queue_packet(sid, pkt) if sent is None else None

    def _frame_of(self, pkt) -> bytes:
        """python-socketio sends one packet object to every recipient of an event: frame it once."""
        last, data = self._framed
        if last is not pkt:
            data = frame(pkt.encode())
            self._framed = (pkt, data)
        return data


def _idle(engineio_socket) -> bool:
    return (engineio_socket.upgraded and not engineio_socket.upgrading and not engineio_socket.closing
            and not engineio_socket.closed and engineio_socket.queue.empty())


def _writable_directly(ws) -> bool:
    """The green socket's own OS socket, plain TCP in non-blocking mode (as eventlet keeps it); no
    compression. (Its class is the unpatched `socket.socket`, so its send never yields.)"""
    fd = getattr(getattr(ws, "socket", None), "fd", None)
    return (callable(getattr(fd, "gettimeout", None)) and fd.gettimeout() == 0.0
            and not isinstance(fd, ssl.SSLSocket) and not ws.extensions and hasattr(ws, "_sendlock"))


def _write_rest(ws, rest: bytes) -> None:
    """Write the rest of a frame the kernel took in part, then let the socket's writers in again."""
    with contextlib.suppress(OSError):  # a closed connection: the reader greenlet notices it
        try:
            ws.socket.sendall(rest)
        finally:
            ws._sendlock.release()

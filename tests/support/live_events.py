"""Live events kept for resuming: a clean slate of event streams, and a reader of Server-Sent Events."""
import json
import socket
import threading

EVENT_STREAMS = "events:*"  # the organizations' streams and the used stream tickets (sockets.event_log)


def clear_event_streams(redis_client) -> None:
    """Organization ids restart with every test: a stream must not carry a previous test's events."""
    for key in redis_client.scan_iter(EVENT_STREAMS):
        redis_client.delete(key)


class EventStream:
    """Reads a text/event-stream (an iterable of byte or text chunks) in a thread, recording its events
    (`{"id", "event", "data"}`, data parsed) and comments in order, and whether the stream ended."""

    def __init__(self, chunks, close=None):
        self.frames, self.comments, self.ended = [], [], False
        self._lock, self._close = threading.Lock(), close
        self._thread = threading.Thread(target=self._read, args=(chunks,), daemon=True)
        self._thread.start()

    def _read(self, chunks):
        buffer = ""
        try:
            for chunk in chunks:
                buffer += chunk.decode() if isinstance(chunk, bytes) else chunk
                while "\n\n" in buffer:
                    block, buffer = buffer.split("\n\n", 1)
                    self._record(block)
        except Exception:  # the connection closed under the reader: that ends the stream too
            pass
        with self._lock:
            self.ended = True

    def _record(self, block: str) -> None:
        frame = {}
        for line in block.split("\n"):
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "":
                with self._lock:
                    self.comments.append(value)
            else:
                frame[name] = value
        if "event" in frame:
            frame["data"] = json.loads(frame["data"])
            with self._lock:
                self.frames.append(frame)

    def events(self, name=None) -> list[dict]:
        with self._lock:
            return [f for f in self.frames if name is None or f["event"] == name]

    def close(self) -> None:
        if self._close is not None:
            self._close()


def ticket(client, tenant, role, path="/api/v1/events/stream-ticket") -> str:
    response = client.post(path, headers=tenant.headers(role))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    return (body["data"] if "data" in body else body)["ticket"]


def open_in_process(client, path: str, headers=None) -> EventStream:
    """A stream read from the app in this process (its generator runs in the reader's thread)."""
    response = client.get(path, headers=headers or {}, buffered=False)
    assert response.status_code == 200 and response.mimetype == "text/event-stream", response.get_data()
    return EventStream(response.response)


def open_live(base_url: str, path: str, headers=None) -> EventStream:
    """A stream read over HTTP from the live web process (eventlet)."""
    import requests

    response = requests.get(base_url + path, headers=headers or {}, stream=True, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/event-stream")

    def close():
        # Shut the socket first: closing the response waits for the reader's recv (up to its timeout).
        connection = getattr(response.raw, "_connection", None)
        if getattr(connection, "sock", None) is not None:
            connection.sock.shutdown(socket.SHUT_RDWR)
        response.close()

    return EventStream(response.iter_content(chunk_size=None), close=close)

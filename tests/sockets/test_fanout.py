"""An event's fan-out to many sockets, in two real web processes: each socket gets each event once and
in order, a client that stops reading holds up no one and loses nothing, and compression is declined."""
import json
import socket
import threading
import time

import pytest
import websocket

from sockets import emitter, rooms
from tests.support.processes import stop
from tests.support.sockets import Listener
from tests.support.waiting import wait_for
from tests.support.web_processes import start_web_process

PROBE = "fanout.probe"  # not one of ours: only these tests' clients record it


@pytest.fixture(scope="module")
def second_server(app):
    proc, url = start_web_process(app)
    yield url
    stop(proc)


class RawClient:
    """A Socket.IO client over websocket-client that reads only when told to: its small receive buffer
    fills within a few events, and the server's kernel buffer after it."""

    def __init__(self, base_url: str, token: str, headers=()):
        self.ws = websocket.create_connection(
            base_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket",
            header=list(headers), timeout=30, sockopt=[(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)])
        assert self.ws.recv().startswith("0")  # engine.io open
        self.ws.send("40" + json.dumps({"token": token}))
        assert self.ws.recv().startswith("40")  # connected to "/"
        self.handshake_headers = self.ws.getheaders()

    def read_probes(self, count: int) -> list[dict]:
        """Read until `count` probes have come; answer the server's pings on the way."""
        probes = []
        while len(probes) < count:
            message = self.ws.recv()
            if message == "2":
                self.ws.send("3")
            elif message.startswith("42"):
                name, payload = json.loads(message[2:])
                if name == PROBE:
                    probes.append(payload)
        return probes

    def close(self):
        self.ws.close()


def publish(room: str, count: int, size: int = 0) -> None:
    """Emit `count` probes to `room` as a worker does, through the message queue to every web process."""
    for seq in range(count):
        emitter.emit(PROBE, {"seq": seq, "pad": "x" * size}, room=room, organization_id=None)


def sequences(payloads) -> list[int]:
    return [payload["seq"] for payload in payloads]


def test_every_socket_of_a_busy_room_gets_each_event_once_and_in_order(live_server, second_server, auth):
    token = auth.a.tokens["dispatcher"]
    listeners = [Listener(url, token, events=(PROBE,)) for url in (live_server, second_server) * 10]
    try:
        publish(rooms.permission_room(auth.a.org_id, rooms.JOBS_ALL), 30)
        for listener in listeners:
            wait_for(lambda: len(listener.events(PROBE)) >= 30, timeout=20)
        time.sleep(0.3)  # room for a duplicate to show
        for listener in listeners:
            assert sequences(listener.payloads(PROBE)) == list(range(30))
    finally:
        for listener in listeners:
            listener.close()


def test_a_client_that_stops_reading_holds_up_no_one_and_gets_every_event_whole_later(live_server, auth):
    token = auth.a.tokens["dispatcher"]
    stalled = RawClient(live_server, token)
    reading = Listener(live_server, token, events=(PROBE,))
    try:
        count = 300  # 300 x 32 KB: more than both kernel buffers of the stalled connection hold
        threading.Thread(target=publish, args=(rooms.user_room(auth.a.user_ids["dispatcher"]), count, 32_000),
                         daemon=True).start()
        wait_for(lambda: len(reading.events(PROBE)) == count, timeout=30)
        assert sequences(reading.payloads(PROBE)) == list(range(count))

        late = stalled.read_probes(count)
        assert sequences(late) == list(range(count))
        assert all(payload["pad"] == "x" * 32_000 for payload in late)
    finally:
        reading.close()
        stalled.close()


def test_websocket_compression_is_declined_and_events_still_arrive(live_server, auth):
    """Browsers offer permessage-deflate; the server answers without it and sends plain frames."""
    client = RawClient(live_server, auth.a.tokens["dispatcher"],
                       headers=["Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits"])
    try:
        assert "sec-websocket-extensions" not in {name.lower() for name in client.handshake_headers}
        publish(rooms.user_room(auth.a.user_ids["dispatcher"]), 3, 70_000)  # a frame's 64-bit length
        probes = client.read_probes(3)
        assert sequences(probes) == [0, 1, 2] and all(len(p["pad"]) == 70_000 for p in probes)
    finally:
        client.close()

"""Socket.IO over HTTP long-polling (a proxy that refuses websocket upgrades), against the real web
process: a burst of events, and a burst of the client's own packets, each arrive whole in one request."""
import json

import requests
import socketio
from engineio.payload import Payload

from sockets import emitter, rooms
from tests.support.dispatch import Board
from tests.support.sockets import Listener
from tests.support.waiting import wait_for

PROBE = "polling.probe"  # not one of ours: only these tests' clients record it
SEPARATOR = "\x1e"  # between the packets of one long-polling body (engine.io protocol 4)


class RawPollingClient:
    """Engine.IO's long-polling transport by hand: one POST carries as many packets as we like."""

    def __init__(self, base_url: str, token: str):
        self.url = base_url + "/socket.io/?EIO=4&transport=polling"
        self.http = requests.Session()
        opened = self.http.get(self.url, timeout=10).text
        self.url += "&sid=" + json.loads(opened[1:])["sid"]  # "0{...}": engine.io open
        self.send(["40" + json.dumps({"token": token})])
        assert any(p.startswith("40") for p in self.poll()), "not connected to /"

    def send(self, packets: list[str]) -> None:
        response = self.http.post(self.url, data=SEPARATOR.join(packets).encode(), timeout=10)
        assert response.status_code == 200, response.text

    def poll(self) -> list[str]:
        """The packets of one long-polling GET, answering the server's pings on the way."""
        packets = self.http.get(self.url, timeout=40).text.split(SEPARATOR)
        if "2" in packets:
            self.send(["3"])
        return packets

    def close(self) -> None:
        self.send(["1"])


def test_a_clients_burst_of_packets_in_one_request_is_handled_whole(client, live_server, auth):
    """A console re-subscribing to its jobs after a reconnect: 40 subscribes, one request, 40 answers."""
    board = Board(client, auth.a)
    customer = board.customer()["id"]
    job_ids = [board.job(customer, title=f"Job {n}")["id"] for n in range(40)]
    polling = RawPollingClient(live_server, auth.a.tokens["dispatcher"])
    try:
        # "42<ack id>[event, data]": a Socket.IO event on "/" asking for an answer "43<ack id>[answer]"
        polling.send([f"42{n}" + json.dumps(["subscribe", {"room": f"job:{job_id}"}])
                      for n, job_id in enumerate(job_ids)])
        answers = {}
        wait_for(lambda: answers.update(
            (int(p[2:p.index("[")]), json.loads(p[p.index("["):])[0]) for p in polling.poll()
            if p.startswith("43")) or len(answers) == len(job_ids), timeout=30)
        assert answers == {n: {"ok": True, "room": f"job:{job_id}"} for n, job_id in enumerate(job_ids)}
    finally:
        polling.close()


def test_a_client_on_long_polling_gets_a_burst_of_events_shared_with_websockets(live_server, auth, monkeypatch):
    """Polling sockets keep the library's queue; a burst queued between two polls comes in one answer."""
    # python-engineio's client (this test's) refuses an answer of more than 16 packets unless told
    # otherwise; browsers' clients take any number.
    monkeypatch.setattr(Payload, "max_decode_packets", 1000)
    token = auth.a.tokens["dispatcher"]
    polling = socketio.Client(reconnection=False)
    received = []
    polling.on(PROBE, received.append)
    polling.connect(live_server, auth={"token": token}, transports=["polling"], wait_timeout=10)
    websockets = [Listener(live_server, token, events=(PROBE,)) for _ in range(3)]
    try:
        for seq in range(40):  # as a worker emits: through the message queue to the web process
            emitter.emit(PROBE, {"seq": seq, "pad": "x" * 500}, room=rooms.user_room(auth.a.user_ids["dispatcher"]),
                         organization_id=None)
        wait_for(lambda: len(received) >= 40, timeout=30)  # a poll is a round trip: slow on a loaded machine
        for listener in websockets:
            wait_for(lambda: len(listener.events(PROBE)) >= 40, timeout=30)
        assert polling.transport() == "polling" and [p["seq"] for p in received] == list(range(40))
        assert all([p["seq"] for p in w.payloads(PROBE)] == list(range(40)) for w in websockets)
    finally:
        polling.disconnect()
        for listener in websockets:
            listener.close()

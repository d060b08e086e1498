"""Real Socket.IO clients that record what they receive."""
import threading

import socketio


class Listener:
    """A connected client that records the events it receives."""

    def __init__(self, url, token, namespace="/", events=("session.revoked",)):
        """Connect to `namespace` and record every event named in `events`."""
        self.received = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        for name in events:
            self.client.on(name, lambda data, name=name: self._record(name, data), namespace=namespace)
        self.client.connect(url, auth={"token": token}, namespaces=[namespace],
                            wait_timeout=10)
        self.namespace = namespace

    def _record(self, name, data):
        with self.lock:
            self.received.append((name, data))

    def events(self, name=None):
        with self.lock:
            return [(n, d) for n, d in self.received if name is None or n == name]

    def payloads(self, name):
        return [data for _, data in self.events(name)]

    def close(self):
        self.client.disconnect()

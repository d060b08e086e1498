"""Real Socket.IO clients that record what they receive."""
import threading

import socketio

DISCONNECTED = "(disconnected)"  # recorded, in order with the events, when the socket is disconnected


class Listener:
    """A connected client that records the events it receives, and its disconnection."""

    def __init__(self, url, token, namespace="/", events=("session.revoked",)):
        """Connect to `namespace` and record every event named in `events`."""
        self.received = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=False)
        for name in events:
            self.client.on(name, lambda data, name=name: self._record(name, data), namespace=namespace)
        self.client.on("disconnect", lambda reason=None: self._record(DISCONNECTED, reason), namespace=namespace)
        self.client.connect(url, auth={"token": token}, namespaces=[namespace],
                            wait_timeout=10)
        self.namespace = namespace

    def _record(self, name, data):
        with self.lock:
            self.received.append((name, data))

    def events(self, name=None):
        """What was received, in order; the disconnection is left out unless asked for by name."""
        with self.lock:
            return [(n, d) for n, d in self.received if (n == name if name else n != DISCONNECTED)]

    def payloads(self, name):
        return [data for _, data in self.events(name)]

    def names(self):
        """Every event name received, the disconnection included, in order."""
        with self.lock:
            return [n for n, _ in self.received]

    @property
    def disconnected(self) -> bool:
        return bool(self.events(DISCONNECTED))

    def call(self, event, data, timeout=5):
        return self.client.call(event, data, namespace=self.namespace, timeout=timeout)

    def close(self):
        self.client.disconnect()

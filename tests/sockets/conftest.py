import os

import pytest

from tests.support.sockets import Listener

# The web process ends expired sockets (and re-checks sessions) every SOCKET_SWEEP_SECONDS:
# every second here, so tests of token expiry wait seconds, not the default's.
os.environ.setdefault("SOCKET_SWEEP_SECONDS", "1")


@pytest.fixture
def listen(live_server):
    """Connect real clients to the live web process: `listen(token, namespace, events=(...))`."""
    opened = []

    def connect(token, namespace="/", **kwargs):
        listener = Listener(live_server, token, namespace, **kwargs)
        opened.append(listener)
        return listener

    yield connect
    for listener in opened:
        listener.close()

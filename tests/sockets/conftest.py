import pytest

from tests.sockets.listening import Listener


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

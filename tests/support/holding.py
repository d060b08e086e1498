"""Holding a fake server's answer: the request has arrived (the message is out of our hands) and the
server does not answer until released, so a test can kill the sender mid-send."""
import threading


class Hold:
    def __init__(self):
        self._armed = False
        self._reached = threading.Event()
        self._released = threading.Event()

    def arm(self) -> None:
        """The next request waits in `pause_here` until `release()`."""
        self._armed, self._reached, self._released = True, threading.Event(), threading.Event()

    def pause_here(self, timeout: float = 60) -> None:
        """Called by the fake once it has recorded a request, before it answers."""
        if self._armed:
            self._armed = False
            self._reached.set()
            self._released.wait(timeout)

    def wait_until_reached(self, timeout: float = 30) -> None:
        assert self._reached.wait(timeout), "no request reached the held server"

    def release(self) -> None:
        self._released.set()

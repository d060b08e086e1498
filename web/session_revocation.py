"""The session cache of a web process (models.identity.session_cache) and the Redis pub/sub
that keeps it honest.

Every process that commits (web, worker, command) publishes its invalidations on
SESSION_CACHE_CHANNEL of the Socket.IO message queue's Redis. A web process listens there
from its first authenticated request on, in a background task of its Socket.IO server, and
evicts what each message names. Its cache serves only while that subscription is up: while
Redis is unreachable, or the connection has gone silent (a ping unanswered for
SILENT_SECONDS), every request queries the database, and the cache restarts empty."""
import logging
import time

import redis

from models.identity import session_cache
from models.identity.session_cache import Invalidation, SessionCache

log = logging.getLogger(__name__)

PING_SECONDS = 1.0
SILENT_SECONDS = 3.0  # no answer (message or pong) for this long: the connection is taken for dead
RETRY_SECONDS = (0.1, 0.5, 1.0, 2.0)


def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=SILENT_SECONDS, socket_connect_timeout=2)


class Listener:
    """Subscribes `cache` to `channel`; `start(fn)` runs `fn` in the background (the Socket.IO
    server's start_background_task: a greenlet under eventlet, a thread otherwise)."""

    def __init__(self, cache: SessionCache, url: str, channel: str, start, sleep=time.sleep):
        self.cache, self.url, self.channel = cache, url, channel
        self._start, self._sleep = start, sleep
        self._running = self._stopping = False

    def ensure_running(self) -> None:
        if not self._running:
            self._running = True
            self._start(self._run)

    def stop(self) -> None:
        """Ends the listening within a second (a web process's never ends; a test's does)."""
        self._stopping = True

    def _run(self) -> None:
        self._failures = 0  # in a row, since the subscription was last up
        while not self._stopping:
            try:
                self._listen_once()
            except Exception as exc:  # said once an outage, not at every retry
                (log.warning if self._failures == 0 else log.debug)(
                    "session cache subscription lost (%s): every request queries until it is back", exc)
            finally:
                self.cache.connected(False)
            self._sleep(RETRY_SECONDS[min(self._failures, len(RETRY_SECONDS) - 1)])
            self._failures += 1

    def _listen_once(self) -> None:
        pubsub = _client(self.url).pubsub()
        try:
            pubsub.subscribe(self.channel)
            heard = pinged = time.monotonic()
            while not self._stopping:
                message = pubsub.get_message(timeout=PING_SECONDS)
                now = time.monotonic()
                if message is not None:
                    heard = now
                    if message["type"] == "subscribe":
                        self.cache.connected(True)
                        self._failures = 0
                    elif message["type"] == "message":
                        self.cache.evict(Invalidation.from_json(message["data"]))
                elif now - heard > SILENT_SECONDS:
                    raise ConnectionError(f"no answer from Redis for {SILENT_SECONDS:.0f} s")
                if now - pinged >= PING_SECONDS:
                    pubsub.ping()
                    pinged = now
        finally:
            try:
                pubsub.close()
            except Exception:  # the connection is already gone
                pass


def install(app, start_background_task=None) -> None:
    """Bind the publisher (every process) and this app's cache; with `start_background_task`
    (a web server's) and SESSION_CACHE_SECONDS > 0, the cache serves once its listener is up."""
    url, channel = app.config["SOCKETIO_MESSAGE_QUEUE"], app.config["SESSION_CACHE_CHANNEL"]
    publisher = _client(url)
    session_cache.publish_with(lambda invalidation: publisher.publish(channel, invalidation.to_json()))
    cache = SessionCache(app.config["SESSION_CACHE_SECONDS"] if start_background_task else 0)
    app.extensions["session_cache"] = cache
    if cache.seconds > 0:
        app.extensions["session_cache_listener"] = Listener(cache, url, channel, start_background_task)


def cached_load(app, user_id: int, session_id: str, query):
    listener = app.extensions.get("session_cache_listener")
    if listener is not None:
        listener.ensure_running()
    return app.extensions["session_cache"].load(user_id, session_id, query)

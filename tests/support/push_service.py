"""A local Web Push service (RFC 8030) on 127.0.0.1, speaking the protocol the real ones do.

It checks each request as a push service must: the VAPID header `Authorization: vapid t=<JWT>,k=<key>`
(RFC 8292: an ES256 JWT signed by k, `aud` the endpoint's origin, `exp` in the future and at most 24
hours away, `sub` present; 401 otherwise; 403 when the subscription was made for another
applicationServerKey), then decrypts the aes128gcm body (RFC 8291) with the browser's private key,
400 when it cannot. Then it answers what the subscription's scenario says.

    with PushService() as service:
        device = service.subscribe()                         # always 201
        flaky = service.subscribe(500, 500, 201)             # two 500s, then 201 from then on
        busy = service.subscribe(Answer(429, {"Retry-After": "120"}), 201)
        ...send...
        service.received(device)  # [ReceivedPush(payload={...}, ttl="60", urgency="high", ...)]

Each request takes the next answer of its subscription; the last one repeats."""
import base64
import json
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from models.core.ports import PushSubscription
from tests.support.holding import Hold

MAX_TOKEN_LIFETIME = 24 * 60 * 60


@dataclass(frozen=True)
class Answer:
    status: int = 201
    headers: dict = field(default_factory=dict)
    body: str = ""


@dataclass(frozen=True)
class ReceivedPush:
    """One request the service received and checked (`status` is what it answered)."""
    endpoint: str
    status: int
    payload: dict | None  # the decrypted JSON; None when refused before decryption
    ttl: str | None
    urgency: str | None
    headers: dict
    claims: dict | None  # the VAPID JWT's claims once verified
    vapid_key: str | None  # k, the application server's public key
    error: str | None = None  # why it was refused (401/403/400), None when checks passed


@dataclass
class _Browser:
    """The browser side of one subscription: what the real push service never sees."""
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    answers: deque
    application_server_key: str | None


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PushService:
    def __init__(self):
        self._lock = threading.Condition()
        self._browsers: dict[str, _Browser] = {}
        self.requests: list[ReceivedPush] = []  # every request, refused ones too, in order
        self.hold = Hold()  # `hold.arm()`: the next push is recorded, then its answer waits for `hold.release()`
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="push-service", daemon=True)
        self._thread.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._server.shutdown()
        self._server.server_close()

    def subscribe(self, *answers: int | Answer, application_server_key: str | None = None) -> PushSubscription:
        """A new browser subscription on this service. `answers`: what its pushes get, in order (the
        last repeats; default 201). With `application_server_key`, pushes signed by another key get 403."""
        private_key = ec.generate_private_key(ec.SECP256R1())
        public = private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                       serialization.PublicFormat.UncompressedPoint)
        auth_secret = os.urandom(16)
        endpoint = f"{self.url}/push/{_b64url(os.urandom(12))}"
        with self._lock:
            self._browsers[endpoint] = _Browser(endpoint, private_key, auth_secret, deque(), application_server_key)
        self.answer(endpoint, *(answers or (201,)))
        return PushSubscription(endpoint=endpoint, p256dh=_b64url(public), auth=_b64url(auth_secret))

    def answer(self, subscription: PushSubscription | str, *answers: int | Answer):
        """Replace what the subscription's next pushes get (e.g. 410 once the user unsubscribed)."""
        endpoint = getattr(subscription, "endpoint", subscription)
        with self._lock:
            self._browsers[endpoint].answers = deque(a if isinstance(a, Answer) else Answer(a) for a in answers)

    def received(self, subscription: PushSubscription | str | None = None) -> list[ReceivedPush]:
        """The requests that passed the checks (whatever the scenario answered), in order."""
        endpoint = getattr(subscription, "endpoint", subscription)
        with self._lock:
            return [r for r in self.requests if r.error is None and endpoint in (None, r.endpoint)]

    def delivered(self, subscription: PushSubscription | str | None = None) -> list[dict]:
        """The payloads the service accepted (answered 2xx): what reached the device."""
        return [r.payload for r in self.received(subscription) if 200 <= r.status < 300]

    def wait_for(self, count: int, subscription: PushSubscription | str | None = None,
                 timeout: float = 10.0) -> list[ReceivedPush]:
        """Block until `count` checked requests arrived (for the subscription); fails after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.received(subscription)) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.received(subscription))} pushes arrived, not {count}")
                self._lock.wait(left)
            return self.received(subscription)

    # The request, as the handler thread sees it.

    def _handle(self, endpoint: str, headers: dict, body: bytes) -> tuple[ReceivedPush, Answer]:
        with self._lock:
            browser = self._browsers.get(endpoint)
        common = dict(endpoint=endpoint, ttl=headers.get("ttl"), urgency=headers.get("urgency"), headers=headers)
        if browser is None:
            return ReceivedPush(status=404, payload=None, claims=None, vapid_key=None, error="no such subscription",
                                **common), Answer(404)
        try:
            claims, key = _verified_vapid(headers.get("authorization", ""), self.url)
        except ValueError as exc:
            return ReceivedPush(status=401, payload=None, claims=None, vapid_key=None, error=str(exc),
                                **common), Answer(401)
        if browser.application_server_key not in (None, key):
            return ReceivedPush(status=403, payload=None, claims=claims, vapid_key=key,
                                error="signed by another application server key", **common), Answer(403)
        try:
            if headers.get("content-encoding") != "aes128gcm" or "ttl" not in headers:
                raise ValueError("aes128gcm content encoding and a TTL are required")
            plain = http_ece.decrypt(body, private_key=browser.private_key, auth_secret=browser.auth_secret,
                                     version="aes128gcm")
            payload = json.loads(plain)
        except Exception as exc:  # anything the browser could not read
            return ReceivedPush(status=400, payload=None, claims=claims, vapid_key=key,
                                error=f"undecryptable: {exc}", **common), Answer(400)
        with self._lock:
            answer = browser.answers.popleft() if len(browser.answers) > 1 else browser.answers[0]
        return ReceivedPush(status=answer.status, payload=payload, claims=claims, vapid_key=key, **common), answer

    def _record(self, received: ReceivedPush):
        with self._lock:
            self.requests.append(received)
            self._lock.notify_all()


def _verified_vapid(authorization: str, origin: str) -> tuple[dict, str]:
    scheme, _, params = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise ValueError("no vapid Authorization")
    parts = dict(item.strip().split("=", 1) for item in params.split(",") if "=" in item)
    token, key = parts.get("t"), parts.get("k")
    if not token or not key:
        raise ValueError("vapid Authorization without t and k")
    public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64url(key))
    try:
        claims = jwt.decode(token, public_key, algorithms=["ES256"], audience=origin,
                            options={"require": ["aud", "exp", "sub"]})
    except jwt.PyJWTError as exc:
        raise ValueError(f"bad VAPID token: {exc}") from None
    if claims["exp"] > time.time() + MAX_TOKEN_LIFETIME:
        raise ValueError("VAPID token expires more than 24 hours from now")
    return claims, key


def _handler_for(service: PushService):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            received, answer = service._handle(self.path and f"{service.url}{self.path}", headers, body)
            service._record(received)
            service.hold.pause_here()
            content = answer.body.encode()
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if answer.status == 201:
                self.send_header("Location", f"{service.url}/message/{_b64url(os.urandom(9))}")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, *args):  # quiet
            pass

    return Handler

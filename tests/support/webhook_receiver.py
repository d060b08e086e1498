"""A webhook receiver on 127.0.0.1: a real HTTP server that verifies each request's signature with the
`standardwebhooks` package (as a customer's would), records what it got, and answers per its scenario."""
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.support.holding import Hold


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    verified: bool  # the signature held, with the receiver's secret
    payload: dict | None  # the JSON, when verified


class WebhookReceiver:
    """`answers`: the statuses of the first requests in turn (500, 500), then `then` for every other one;
    `location`: the Location of a 3xx answer. Set `secret` (from the endpoint's creation) before events
    arrive. Use as a context manager."""

    def __init__(self, answers=(), then=200, location=None):
        self.answers, self.then, self.location = list(answers), then, location
        self.secret: str | None = None
        self.received: list[Received] = []
        self.hold = Hold()  # `hold.arm()`: the next request is recorded, then waits for `hold.release()`
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the standard library's name)
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                receiver._record(self.path, dict(self.headers.items()), body)
                receiver.hold.pause_here()
                status = receiver._next_status()
                self.send_response(status)
                if 300 <= status < 400 and receiver.location:
                    self.send_header("Location", receiver.location)
                answer = b'{"ok": true}' if status < 300 else b"no thanks"
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST  # a followed redirect would arrive as a GET

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def _record(self, path, headers, body):
        verified, payload = False, None
        if self.secret:
            try:
                payload, verified = Webhook(self.secret).verify(body, headers), True
            except WebhookVerificationError:
                pass
        with self._lock:
            self.received.append(Received(path, {k.lower(): v for k, v in headers.items()}, body, verified, payload))

    def _next_status(self) -> int:
        with self._lock:
            return self.answers.pop(0) if self.answers else self.then

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

"""A local fake of Stripe's PaymentIntent and Refund endpoints on 127.0.0.1, speaking what the `stripe`
package speaks: form-encoded bodies, `Authorization: Bearer <secret key>`, JSON answers and errors.

It honours `Idempotency-Key` as Stripe does: a request that started executing stores its answer (a
decline included) under the key; the same key with the same parameters replays that answer
(`Idempotent-Replayed: true`), with other parameters it is a 400 `idempotency_error`. A 5xx it was told
to give (`fail_next`) did not start executing: nothing is stored, and the retry runs for real.

- `pm_card_chargeDeclined` as the payment method: a 402 card_error (`card_declined`);
- `hold.arm()`: the next request is executed and stored, then waits for `hold.release()` before
  answering (the caller may be killed meanwhile);
- `refunds`: the refunds it made, in order."""
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

from tests.support.holding import Hold

API_KEY = "sk_test_fieldops_fake"
DECLINED_METHOD = "pm_card_chargeDeclined"


class FakeStripe:
    def __init__(self, api_key: str = API_KEY):
        self.api_key = api_key
        self.hold = Hold()
        self.intents: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self.requests: list[tuple[str, dict, str | None]] = []  # (path, params, idempotency key)
        self._stored: dict[str, tuple[list, int, dict]] = {}  # key -> (params, status, body)
        self._failures: list[int] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the standard library's name)
                body = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
                status, answer, replayed = fake._handle(self.path, self.headers, sorted(parse_qsl(body)))
                if status != 500:
                    fake.hold.pause_here()
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Request-Id", f"req_{uuid.uuid4().hex[:14]}")
                if replayed:
                    self.send_header("Idempotent-Replayed", "true")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def fail_next(self, count: int, status: int = 500) -> None:
        with self._lock:
            self._failures.extend([status] * count)

    def settings(self) -> dict:
        """The app's settings (and a worker's environment) that point the stripe adapter here."""
        return {"PAYMENT_PROVIDER": "stripe", "STRIPE_API_KEY": self.api_key, "STRIPE_API_BASE": self.url}

    def _handle(self, path: str, headers, params: list) -> tuple[int, dict, bool]:
        key = headers.get("Idempotency-Key")
        with self._lock:
            self.requests.append((path, dict(params), key))
            if headers.get("Authorization") != f"Bearer {self.api_key}":
                return 401, _error("invalid_request_error", "Invalid API Key provided"), False
            if self._failures:
                return self._failures.pop(0), _error("api_error", "Something went wrong on Stripe's end"), False
            if key in self._stored:
                stored_params, status, body = self._stored[key]
                if stored_params != params:
                    return 400, _error("idempotency_error", "Keys for idempotent requests can only be used with "
                                                            "the same parameters they were first used with"), False
                return status, body, True
            status, body = self._execute(path, dict(params))
            if key:
                self._stored[key] = (params, status, body)
            return status, body, False

    def _execute(self, path: str, params: dict) -> tuple[int, dict]:
        if path == "/v1/payment_intents":
            return self._create_intent(params)
        if path == "/v1/refunds":
            return self._create_refund(params)
        return 404, _error("invalid_request_error", f"Unrecognized request URL (POST: {path})")

    def _create_intent(self, params: dict) -> tuple[int, dict]:
        if "amount" not in params or "currency" not in params:
            return 400, _error("invalid_request_error", "Missing required param: amount.", param="amount")
        if params.get("payment_method") == DECLINED_METHOD:
            return 402, _error("card_error", "Your card was declined.", code="card_declined",
                               decline_code="generic_decline")
        intent = {"id": f"pi_{uuid.uuid4().hex[:24]}", "object": "payment_intent", "amount": int(params["amount"]),
                  "currency": params["currency"], "status": "succeeded", "payment_method": params.get("payment_method"),
                  "amount_refunded": 0}
        self.intents[intent["id"]] = intent
        return 200, intent

    def _create_refund(self, params: dict) -> tuple[int, dict]:
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None:
            return 404, _error("invalid_request_error", "No such payment_intent", code="resource_missing",
                               param="payment_intent")
        amount = int(params.get("amount") or intent["amount"] - intent["amount_refunded"])
        if amount > intent["amount"] - intent["amount_refunded"]:
            return 400, _error("invalid_request_error", "Refund amount is greater than unrefunded amount on charge",
                               code="amount_too_large", param="amount")
        intent["amount_refunded"] += amount
        refund = {"id": f"re_{uuid.uuid4().hex[:24]}", "object": "refund", "amount": amount,
                  "currency": intent["currency"], "payment_intent": intent["id"], "status": "succeeded"}
        self.refunds.append(refund)
        return 200, refund

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.hold.release()
        self.server.shutdown()
        self.server.server_close()


def _error(kind: str, message: str, **fields) -> dict:
    return {"error": {"type": kind, "message": message, **fields}}

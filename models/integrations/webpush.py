"""Web Push (RFC 8030) with the payload encrypted for the browser (RFC 8291, aes128gcm) and signed
with the application server's VAPID key (RFC 8292), through pywebpush.

The push service's answer decides the outcome: 200/201/202 sent; 404/410 gone (the subscription
ended); 429 and 5xx retry (honouring Retry-After); any other status failed; no answer (refused,
timed out) retry. Neither the payload nor a key is ever logged."""
import json
import logging
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from http_ece import ECEException
from pywebpush import WebPusher, WebPushException

from models.core.ports import FAILED, GONE, RETRY, SENT, PushSubscription, SendResult
from models.integrations.vapid import load_vapid

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0
TOKEN_LIFETIME_SECONDS = 12 * 60 * 60  # RFC 8292: at most 24 hours
URGENCIES = ("very-low", "low", "normal", "high")
BODY_KEPT = 4096


class WebPushSender:
    def __init__(self, vapid_private_key: str, vapid_subject: str, *, timeout: float = TIMEOUT_SECONDS):
        self._vapid = load_vapid(vapid_private_key)
        self.subject = vapid_subject
        self.timeout = timeout
        self._session = requests.Session()

    def __repr__(self):
        return f"WebPushSender(subject={self.subject!r})"

    def send(self, subscription: PushSubscription, payload: dict, *, ttl: int, urgency: str) -> SendResult:
        if urgency not in URGENCIES:
            raise ValueError(f"urgency must be one of {URGENCIES}")
        origin = _origin(subscription.endpoint)
        if origin is None:
            return SendResult(FAILED, error="not a push endpoint URL")
        headers = {"TTL": str(int(ttl)), "Urgency": urgency}
        shown = {**headers, "Content-Encoding": "aes128gcm"}
        started = time.monotonic()
        try:
            pusher = WebPusher({"endpoint": subscription.endpoint,
                                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
                               requests_session=self._session)
            vapid_headers = self._vapid.sign({"aud": origin, "sub": self.subject,
                                              "exp": int(time.time()) + TOKEN_LIFETIME_SECONDS})
            response = pusher.send(json.dumps(payload, separators=(",", ":")).encode(), {**headers, **vapid_headers},
                                   ttl=int(ttl), content_encoding="aes128gcm", timeout=self.timeout)
        except (WebPushException, ECEException, ValueError, TypeError) as exc:  # a malformed subscription (keys)
            message = exc.message if isinstance(exc, WebPushException) else type(exc).__name__
            return SendResult(FAILED, error=f"bad subscription: {message}", request_headers=shown)
        except requests.RequestException as exc:
            log.info("push to %s got no answer: %s", origin, type(exc).__name__)
            return SendResult(RETRY, error=f"no answer from the push service ({type(exc).__name__})",
                              duration_ms=_since(started), request_headers=shown)
        return _result(response, _since(started), shown)


class NullPushSender:
    """Push is not configured: every send fails, saying so."""

    def send(self, subscription: PushSubscription, payload: dict, *, ttl: int, urgency: str) -> SendResult:
        return SendResult(FAILED, error="push not configured")


def _result(response: requests.Response, duration_ms: int, request_headers: dict) -> SendResult:
    status = response.status_code
    body = response.text[:BODY_KEPT] or None
    common = dict(response_status=status, response_body=body, duration_ms=duration_ms,
                  request_headers=request_headers)
    if status in (200, 201, 202):
        return SendResult(SENT, **common)
    if status in (404, 410):
        return SendResult(GONE, error=f"subscription gone ({status})", **common)
    if status == 429 or status >= 500:
        return SendResult(RETRY, error=f"push service answered {status}",
                          retry_after=retry_after_seconds(response.headers.get("Retry-After")), **common)
    return SendResult(FAILED, error=f"push service refused the message ({status})", **common)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """A Retry-After header (delay in seconds, or an HTTP date) as seconds from now; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def _origin(endpoint: str) -> str | None:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)

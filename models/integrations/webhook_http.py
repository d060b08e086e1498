"""The HttpSender port (models.core.ports) over `requests`, for webhooks: one POST, redirects
not followed, no proxy from the environment, the URL checked again at send time
(models.integrations.outbound_url) and the connection made to an address that check passed,
so a name that resolves elsewhere a second time (DNS rebinding) changes nothing."""
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from models.core.ports import FAILED, RETRY, SENT, SendResult
from models.integrations.outbound_url import RefusedUrl, check

BODY_KEPT = 4096  # the first 4 KB of an answer go to the delivery log
USER_AGENT = "FieldOps-Webhooks/1.0"


def _pinned_adapter(address: str) -> HTTPAdapter:
    """An adapter whose connections go to `address` while TLS (SNI, the certificate's name) and
    the Host header keep the URL's host name."""
    def pinned(connection_class):
        class Pinned(connection_class):
            def _new_conn(self):
                self._dns_host = address
                return super()._new_conn()
        return Pinned

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {
                "http": type("PinnedPool", (HTTPConnectionPool,), {"ConnectionCls": pinned(HTTPConnection)}),
                "https": type("PinnedTLSPool", (HTTPSConnectionPool,), {"ConnectionCls": pinned(HTTPSConnection)}),
            }

    return Adapter(max_retries=0)


class WebhookHttpSender:
    def __init__(self, *, allow_http: bool = False, allow_private: bool = False):
        self.allow_http, self.allow_private = allow_http, allow_private

    def post(self, url: str, body: bytes, headers: dict, *, timeout: float) -> SendResult:
        sent_headers = {"user-agent": USER_AGENT, **headers}
        try:
            addresses = check(url, allow_http=self.allow_http, allow_private=self.allow_private)
        except RefusedUrl as exc:
            return SendResult(FAILED, error=f"Not sent: {exc}", request_headers=sent_headers)
        started = time.monotonic()
        with requests.Session() as session:
            session.trust_env = False  # an environment's proxy would make its own DNS lookup
            if addresses:
                adapter = _pinned_adapter(addresses[0])
                session.mount("https://", adapter)
                session.mount("http://", adapter)
            try:
                response = session.post(url, data=body, headers=sent_headers, timeout=timeout,
                                         allow_redirects=False, stream=True)
            except requests.RequestException as exc:
                return SendResult(RETRY, error=f"{type(exc).__name__}: {exc}", request_headers=sent_headers,
                                  duration_ms=_since(started))
            with response:
                kept = response.raw.read(BODY_KEPT, decode_content=True) or b""
            text = kept.decode(response.encoding or "utf-8", errors="replace")
        duration = _since(started)
        if 200 <= response.status_code < 300:
            return SendResult(SENT, response.status_code, response_body=text, duration_ms=duration,
                              request_headers=sent_headers)
        error = f"HTTP {response.status_code}"
        if 300 <= response.status_code < 400:
            error += f": a redirect (to {response.headers.get('location', '?')}) is not followed"
        return SendResult(RETRY, response.status_code, error=error, response_body=text, duration_ms=duration,
                          retry_after=_retry_after(response.headers.get("retry-after")),
                          request_headers=sent_headers)


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None

"""`Idempotency-Key` on mutating requests (SPEC §2); the rules live in models.ops.idempotency.

Applies to authenticated callers (keys are scoped per user). Replays carry
`Idempotent-Replayed: true`. A 5xx is not stored, so the client may retry."""
from flask import Response, g, request

from models.errors import ValidationFailed
from models.ops import idempotency

MUTATING = ("POST", "PUT", "PATCH", "DELETE")
REPLAYED_HEADERS = ("Content-Type", "Location")


def _claim():
    key = request.headers.get("Idempotency-Key")
    if not key or request.method not in MUTATING or g.get("user") is None:
        return None
    if len(key) > 255:
        raise ValidationFailed("Idempotency-Key too long", idempotency_key=["at most 255 characters"])
    fingerprint = idempotency.fingerprint(request.method, request.path, request.get_data(cache=True))
    stored = idempotency.claim(g.user.id, key, fingerprint)
    if stored is not None:
        response = Response(stored.response_body, status=stored.response_status, headers=stored.response_headers)
        response.headers["Idempotent-Replayed"] = "true"
        return response
    g.idempotency_key = key
    return None


def _store(response):
    key = g.pop("idempotency_key", None)
    if key is None:
        return response
    if response.status_code >= 500:
        idempotency.release(g.user.id, key)
    else:
        headers = {name: response.headers[name] for name in REPLAYED_HEADERS if name in response.headers}
        idempotency.complete(g.user.id, key, response.status_code, headers, response.get_data())
    return response


def _release_on_crash(exc):
    key = g.pop("idempotency_key", None)
    if key is not None and exc is not None:
        idempotency.release(g.user.id, key)


def install(app):
    """Register after authentication so the caller is known."""
    app.before_request(_claim)
    app.after_request(_store)
    app.teardown_request(_release_on_crash)

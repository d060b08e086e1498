"""`Idempotency-Key` on mutating requests (docs/api.md); the rules live in models.ops.idempotency.

Applies to authenticated callers (keys are scoped per user). Replays carry
`Idempotent-Replayed: true`. A 5xx or a 429 is not stored, so the client may retry
with the same key (a 429 asks it to, after `Retry-After`). A success is stored by
the request's commit (web.conventions.unit_of_work): a response is replayed only
if its write was kept."""
import hashlib

from flask import Response, g, request

from models.core.errors import ValidationFailed
from models.ops import idempotency
from web.conventions.unit_of_work import MUTATING, keep_the_answer, succeeded

REPLAYED_HEADERS = ("Content-Type", "Location")


def _claim():
    key = request.headers.get("Idempotency-Key")
    if not key or request.method not in MUTATING or g.get("user") is None:
        return None
    if len(key) > 255:
        raise ValidationFailed("Idempotency-Key too long", idempotency_key=["at most 255 characters"])
    fingerprint = idempotency.fingerprint(request.method, request.path, _body_identity())
    stored = idempotency.claim(g.user.id, key, fingerprint)
    if stored is not None:
        response = Response(stored.response_body, status=stored.response_status, headers=stored.response_headers)
        response.headers["Idempotent-Replayed"] = "true"
        return response
    g.idempotency_key = key
    keep_the_answer()
    return None


def _body_identity() -> bytes:
    """What makes two requests "the same body". For multipart uploads, the fields and
    each file's name and content: a client's retry picks a new boundary, not a new body."""
    if request.mimetype != "multipart/form-data":
        return request.get_data(cache=True)
    parts = [f"{name}={value}" for name, value in sorted(request.form.items(multi=True))]
    for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
        digest = hashlib.sha256()
        for chunk in iter(lambda: upload.stream.read(1 << 20), b""):
            digest.update(chunk)
        upload.stream.seek(0)
        parts.append(f"{name}:{upload.filename}:{digest.hexdigest()}")
    return "\n".join(parts).encode()


def _store(response):
    key = g.pop("idempotency_key", None)
    if key is None:
        return response
    if response.status_code >= 500 or response.status_code == 429:
        idempotency.release(g.user.id, key)
        return response
    headers = {name: response.headers[name] for name in REPLAYED_HEADERS if name in response.headers}
    store = idempotency.complete_with_the_write if succeeded(response) else idempotency.complete
    store(g.user.id, key, response.status_code, headers, response.get_data())
    return response


def _release_on_crash(exc):
    key = g.pop("idempotency_key", None)
    if key is not None and exc is not None:
        idempotency.release(g.user.id, key)


def install(app):
    """Register after authentication, so the caller is known, and after the unit of work,
    so that a success is stored before it commits."""
    app.before_request(_claim)
    app.after_request(_store)
    app.teardown_request(_release_on_crash)

"""Refuse what no part of the request may carry, before any view or query sees it
(docs/api.md#requests). PostgreSQL cannot store a NUL character in text, so a NUL byte in
the path is a resource that cannot exist (404), and in a query value or a header it is a
field error (422). Bodies are checked by their schemas (web.schemas.common.InputSchema)."""
from flask import request

from models.core.errors import NotFound, ValidationFailed

NUL = "\x00"
REFUSED = "must not contain NUL bytes"


def refuse_nul_bytes():
    if NUL in request.path:
        raise NotFound("No such resource")
    bad_params = sorted({name for name, value in request.args.items(multi=True) if NUL in name or NUL in value})
    if bad_params:
        raise ValidationFailed("The query string holds NUL bytes",
                               **{name.replace(NUL, "\\0"): [REFUSED] for name in bad_params})
    bad_headers = sorted({name for name, value in request.headers.items() if NUL in value})
    if bad_headers:
        raise ValidationFailed("A header holds NUL bytes", **{name: [REFUSED] for name in bad_headers})


def install(app):
    """Register first: it must run before authentication and idempotency read headers."""
    app.before_request(refuse_nul_bytes)

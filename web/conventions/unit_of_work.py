"""A request's unit of work (models.core.unit_of_work, docs/architecture.md).

A mutating request (POST, PUT, PATCH, DELETE) that succeeds (2xx, 3xx) is committed
here: after its view and after the hooks that add to its transaction (the idempotency
record of its response), before the response leaves. A commit that fails (a
conflicting row, a serialization failure, the database gone) is answered with the
error envelope, as if the view had raised it, and nothing of the request is kept.
Any other ending of a mutating request rolls back.

Reads (GET, HEAD, OPTIONS) write nothing and commit nothing: their transaction ends
with the session, as it always has (one ROLLBACK, no COMMIT round trip)."""
from flask import current_app, request

from models.core.db import db
from web.conventions.errors import rollback_quietly

MUTATING = ("POST", "PUT", "PATCH", "DELETE")


def succeeded(response) -> bool:
    return response.status_code < 400


def _end(response):
    if request.method not in MUTATING:
        return response
    if not succeeded(response):
        rollback_quietly()
        return response
    try:
        db.session.commit()
    except Exception as error:
        rollback_quietly()
        return current_app.make_response(current_app.handle_user_exception(error))
    return response


def install(app):
    """Register before the hooks whose writes join the request's transaction
    (idempotency): after-request hooks run in reverse order, so this one runs after them."""
    app.after_request(_end)

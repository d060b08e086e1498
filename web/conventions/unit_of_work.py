"""A request's unit of work (models.core.unit_of_work, docs/architecture.md).

A mutating request (POST, PUT, PATCH, DELETE) that succeeds (2xx, 3xx) is committed
as soon as its view has returned (`commit_the_view`, called where the answer is
enveloped), before the answer is written: what the change announces (live events,
tasks, deliveries) leaves then, not after the serialization. A request whose answer
must be kept with its write (`keep_the_answer`: an Idempotency-Key's record) commits
after the hooks that add it, just before the response leaves. A commit that fails (a
conflicting row, a serialization failure, the database gone) is answered with the
error envelope, as if the view had raised it, and nothing of the request is kept.
Any other ending of a mutating request rolls back.

Reads (GET, HEAD, OPTIONS) write nothing and commit nothing: their transaction ends
with the session, as it always has (one ROLLBACK, no COMMIT round trip)."""
from flask import current_app, g, request

from models.core.db import db
from web.conventions.errors import rollback_quietly

MUTATING = ("POST", "PUT", "PATCH", "DELETE")


def succeeded(response) -> bool:
    return response.status_code < 400


def keep_the_answer() -> None:
    """The response is written into this request's transaction (after the view): commit after it."""
    g.commit_after_the_answer = True


def commit_the_view(status: int | None) -> None:
    """The view has returned (`status`: its own, or None for the route's): a success commits now,
    unless its answer joins the transaction; then it flushes, so that the answer shows ids, defaults
    and versions, and a write the database refuses is the error answered instead. The session keeps
    its objects as committed (expire_on_commit=False): writing the answer reads nothing again."""
    if request.method not in MUTATING or (status is not None and status >= 400):
        return
    if g.get("commit_after_the_answer"):
        db.session.flush()
    else:
        db.session.commit()


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

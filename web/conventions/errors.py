"""One error envelope for every failure (docs/api.md):
`{"success": false, "error": {"code", "message", "details"}}`."""
import logging

from flask import jsonify
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from models.core import errors as domain
from models.core.db import db

log = logging.getLogger("fieldops.errors")

CODE_BY_STATUS = {
    400: "BAD_REQUEST", 401: "UNAUTHORIZED", 402: "PAYMENT_DECLINED", 403: "FORBIDDEN", 404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED", 409: "CONFLICT", 413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR", 429: "RATE_LIMITED", 500: "INTERNAL_ERROR", 503: "SERVICE_UNAVAILABLE",
}

# Most specific first: the first matching class decides the status.
STATUS_BY_DOMAIN_ERROR = (
    (domain.NotFound, 404),
    (domain.PermissionDenied, 403),
    (domain.AuthenticationFailed, 401),
    (domain.ValidationFailed, 422),
    (domain.Conflict, 409),
    (domain.DependencyUnavailable, 503),
    (domain.PayloadTooLarge, 413),
    (domain.UnsupportedMediaType, 415),
    (domain.RateLimited, 429),
    (domain.PaymentDeclined, 402),
)


def error_response(status: int, message: str, code: str | None = None, details: dict | None = None):
    body = {"success": False, "error": {"code": code or CODE_BY_STATUS.get(status, "ERROR"), "message": message,
                                       "details": details or {}}}
    response = jsonify(body)
    response.status_code = status
    return response


def _validation_details(messages) -> dict:
    """webargs nests messages by location ({"json": {...}, "query": {...}}); flatten to field -> messages."""
    details = {}
    for location_messages in (messages or {}).values():
        if isinstance(location_messages, dict):
            details.update(location_messages)
        else:
            details.setdefault("_schema", []).extend(location_messages)
    return details


def handle_http_exception(error: HTTPException):
    db.session.rollback()
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    if status == 422 and "messages" in data:
        response = error_response(422, "The request has invalid fields", details=_validation_details(data["messages"]))
    elif status == 400 and "messages" in data:
        response = error_response(400, "The request body is not valid JSON", code="MALFORMED_JSON")
    elif status >= 500:
        log.error("HTTP %s: %s", status, error, exc_info=getattr(error, "original_exception", None))
        response = error_response(status, "Something went wrong on our side; it has been logged")
    else:
        message = data.get("message") or error.description or CODE_BY_STATUS.get(status, "Error")
        response = error_response(status, message)
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    if hasattr(error, "get_headers"):
        for name, value in error.get_headers():
            if name.lower() not in ("content-type", "content-length"):
                response.headers[name] = value
    return response


def handle_domain_error(error: domain.DomainError):
    db.session.rollback()
    status = next((code for cls, code in STATUS_BY_DOMAIN_ERROR if isinstance(error, cls)), 400)
    response = error_response(status, error.message, code=error.code, details=error.details)
    if isinstance(error, domain.RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def handle_unexpected(error: Exception):
    rollback_quietly()
    log.exception("unhandled error")
    return error_response(500, "Something went wrong on our side; it has been logged")


def handle_database_unreachable(error: OperationalError):
    """The database is down or dropped the connection: a dependency failure (503,
    retry later), not a bug. Integrity and programming errors stay 500s."""
    rollback_quietly()
    log.error("database unreachable: %s", error)
    response = error_response(503, "The database is unavailable; try again shortly")
    response.headers["Retry-After"] = "5"
    return response


def handle_concurrent_change(error: StaleDataError):
    """A versioned row (a job) was changed by another request between our read and our write."""
    rollback_quietly()
    return error_response(409, "Someone else changed this at the same moment; reload it and try again")


def handle_data_the_database_refused(error: DataError | IntegrityError):
    """Input that passed validation but not the database (a value out of a column's range, a
    row that a concurrent request made conflicting): the client's to fix, never a 500.
    Validation should have caught it, so it is logged for a schema to catch it next time."""
    rollback_quietly()
    log.warning("database refused the request's data: %s", error.orig)
    if isinstance(error, IntegrityError):
        return error_response(409, "This conflicts with existing data (a duplicate, or a row that was just "
                                   "changed or removed); reload and try again")
    return error_response(422, "A value is out of range or not of the expected type")


def rollback_quietly():
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: nothing to roll back
        log.warning("rollback failed", exc_info=True)


def install(app):
    app.register_error_handler(domain.DomainError, handle_domain_error)
    app.register_error_handler(OperationalError, handle_database_unreachable)
    app.register_error_handler(DataError, handle_data_the_database_refused)
    app.register_error_handler(StaleDataError, handle_concurrent_change)
    app.register_error_handler(IntegrityError, handle_data_the_database_refused)
    app.register_error_handler(Exception, handle_unexpected)

"""What a request body must be before its schema reads it (docs/api.md#requests).

- A JSON route reads only JSON: a body of another media type (form, text, XML, or none
  declared) is 415 UNSUPPORTED_MEDIA_TYPE, not a confusing "field missing". No body at
  all reads as `{}`, so optional-only bodies may be left out.
- An upload is multipart/form-data (415 otherwise) and carries only the files its schema
  names: other fields are 422.
- A PATCH must change something: an empty one is 422, not a silent 200
  (web.schemas.common.PatchSchema).
- JSON is parsed strictly (web.conventions.strict_json): NaN and Infinity are not numbers, and
  nesting deeper than MAX_DEPTH is refused with 400, before any schema sees it."""
from functools import wraps

from flask import request

from models.core.errors import UnsupportedMediaType


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def require_json():
    if _has_body() and not request.is_json:
        raise UnsupportedMediaType(
            "Send the body as JSON with Content-Type: application/json",
            content_type=request.mimetype or None)


def requires_a_body(schema) -> bool:
    """Whether a JSON body must be sent: when some field is required, or some field must be."""
    instance = schema() if isinstance(schema, type) else schema
    return bool(getattr(instance, "OPENAPI_MIN_PROPERTIES", 0)) or any(
        field.required for field in instance.fields.values())


def require_multipart():
    """An upload is multipart/form-data (415 otherwise). Its schema reads its files and text
    fields together (web.conventions.strict_json.Parser): a field it does not name is 422."""
    if _has_body() and request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType("Send the upload as multipart/form-data", content_type=request.mimetype or None)


def checked(parse_decorator, location: str):
    """Wrap flask-smorest's `arguments` decorator with the rules above."""
    if location == "files":
        return _before(parse_decorator, require_multipart)
    if location != "json":
        return parse_decorator
    return _before(parse_decorator, require_json)


def _before(parse_decorator, check):
    """`parse_decorator`, with `check()` run before it parses."""

    def decorator(view):
        parsed = parse_decorator(view)

        @wraps(parsed)
        def checked_first(*args, **kwargs):
            check()
            return parsed(*args, **kwargs)

        return checked_first

    return decorator

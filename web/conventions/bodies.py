"""What a request body must be before its schema reads it (docs/api.md#requests).

- A JSON route reads only JSON: a body of another media type (form, text, XML, or none
  declared) is 415 UNSUPPORTED_MEDIA_TYPE, not a confusing "field missing". No body at
  all reads as `{}`, so optional-only bodies may be left out.
- A PATCH must change something: an empty one is 422, not a silent 200
  (web.schemas.common.PatchSchema).
- JSON is parsed strictly (web.conventions.json): NaN and Infinity are not numbers, and
  nesting deeper than MAX_DEPTH is refused with 400, before any schema sees it."""
from functools import wraps

from flask import request

from models.errors import UnsupportedMediaType


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


def checked(parse_decorator, location: str):
    """Wrap flask-smorest's `arguments` decorator with the rules above."""
    if location != "json":
        return parse_decorator

    def decorator(view):
        parsed = parse_decorator(view)

        @wraps(parsed)
        def json_only(*args, **kwargs):
            require_json()
            return parsed(*args, **kwargs)

        return json_only

    return decorator

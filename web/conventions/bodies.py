"""What a request body must be before its schema reads it (docs/api.md#requests).

- A JSON route reads only JSON: a body of another media type (form, text, XML, or none
  declared) is 415 UNSUPPORTED_MEDIA_TYPE, not a confusing "field missing". No body at
  all reads as `{}`, so optional-only bodies may be left out.
- A PATCH must change something: an empty one is 422, not a silent 200.
- JSON is parsed strictly (web.conventions.json): NaN and Infinity are not numbers, and
  nesting deeper than MAX_DEPTH is refused with 400, before any schema sees it."""
from functools import wraps

from flask import request

from models.errors import UnsupportedMediaType, ValidationFailed


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def require_json():
    if _has_body() and not request.is_json:
        raise UnsupportedMediaType(
            "Send the body as JSON with Content-Type: application/json",
            content_type=request.mimetype or None)


def checked(parse_decorator, location: str):
    """Wrap flask-smorest's `arguments` decorator with the rules above."""
    if location != "json":
        return parse_decorator

    def decorator(view):
        @wraps(view)
        def nonempty_patch(*args, **kwargs):
            if request.method == "PATCH" and args and args[-1] == {}:
                raise ValidationFailed("Send at least one field to change",
                                       _schema=["an empty PATCH changes nothing"])
            return view(*args, **kwargs)

        parsed = parse_decorator(nonempty_patch)

        @wraps(parsed)
        def json_only(*args, **kwargs):
            require_json()
            return parsed(*args, **kwargs)

        return json_only

    return decorator

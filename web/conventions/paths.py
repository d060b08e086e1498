"""`/api/<path>` is served exactly as `/api/v1/<path>`, a trailing slash is optional,
and the API's roots are the index at `/` (docs/api.md). Done on PATH_INFO before routing, so every route, error
and redirect behaves identically under both spellings."""

API_PREFIX = "/api/"
CANONICAL_PREFIX = "/api/v1/"
API_ROOTS = ("/api", "/api/", "/api/v1", "/api/v1/")  # the index, as `/` is


def canonical_path(path: str) -> str:
    if path in API_ROOTS:
        return "/"
    if path.startswith(API_PREFIX) and not path.startswith(CANONICAL_PREFIX) and path != "/api/v1":
        path = CANONICAL_PREFIX + path[len(API_PREFIX):]
    if len(path) > 1 and path.endswith("/") and not path.startswith("/socket.io"):
        path = path.rstrip("/") or "/"
    return path


class CanonicalPathMiddleware:
    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        environ["PATH_INFO"] = canonical_path(environ.get("PATH_INFO", "/"))
        return self.wsgi_app(environ, start_response)

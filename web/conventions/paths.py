"""`/api/<path>` is served exactly as `/api/v1/<path>`, and a trailing slash is
optional (SPEC §2). Done on PATH_INFO before routing, so every route, error
and redirect behaves identically under both spellings."""

API_PREFIX = "/api/"
CANONICAL_PREFIX = "/api/v1/"


def canonical_path(path: str) -> str:
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

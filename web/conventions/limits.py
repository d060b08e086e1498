"""Rate limits on routes: Flask-Limiter's `limit`, plus a mark the OpenAPI document
reads to declare the route's 429 answer (with `Retry-After`).

    @limit(lambda: current_app.config["LOGIN_RATE_LIMIT_PER_IP"])
    def post(self, body): ...

Takes every keyword of `Limiter.limit` (key_func, deduct_when, scope, ...)."""
from web.extensions import limiter


def limit(limit_value, **options):
    route_limit = limiter.limit(limit_value, **options)

    def decorator(view):
        limited = route_limit(view)
        limited._rate_limited = True
        return limited

    return decorator


def is_rate_limited(view) -> bool:
    return getattr(view, "_rate_limited", False)

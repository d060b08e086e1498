"""Rate limits on routes: Flask-Limiter's `limit`, plus a mark the OpenAPI document
reads to declare the route's 429 answer (with `Retry-After`).

    @limit(lambda: current_app.config["LOGIN_RATE_LIMIT_PER_IP"])
    def post(self, body): ...

Takes every keyword of `Limiter.limit` (key_func, deduct_when, scope, ...); with
`shared_scope`, every route so decorated draws from one budget of that name
(`Limiter.shared_limit`) instead of each route from its own."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)  # bound by create_app (web.extensions lists it)


def limit(limit_value, shared_scope: str | None = None, **options):
    route_limit = (limiter.shared_limit(limit_value, shared_scope, **options) if shared_scope
                   else limiter.limit(limit_value, **options))

    def decorator(view):
        limited = route_limit(view)
        limited._rate_limited = True
        return limited

    return decorator

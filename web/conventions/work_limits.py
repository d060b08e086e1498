"""Rate limits on expensive requests, per signed-in user and per organization
(docs/security.md): `@starts_work` on the routes that start background work
(one budget shared by all of them), `@limits_uploads` on uploads.

    @requires("exports:create")
    @starts_work
    @blp.arguments(...)
    def post(self, body): ...

Only accepted requests (2xx) use up the budget: a refused one (403, 409, 422, 429)
costs nothing. Over budget is 429 RATE_LIMITED with `Retry-After`, before the view
runs, so nothing is started. The settings are Flask-Limiter strings in web/config.py;
a very high value (`100000/minute`) lifts a limit. How many jobs may wait for a
worker is the domain's rule (models.ops.work_limits)."""
from flask import current_app, g

from web.conventions.limits import limit


def _user_key() -> str:
    return f"user:{g.user.id}"


def _organization_key() -> str:
    return f"organization:{g.user.organization_id}"


def _accepted(response) -> bool:
    return 200 <= response.status_code < 300


def _budget(scope: str, per_user: str, per_organization: str, what: str):
    """A decorator applying the per-user and per-organization limits of one budget."""
    by_user = limit(lambda: current_app.config[per_user], shared_scope=scope, key_func=_user_key,
                    deduct_when=_accepted, error_message=f"You have {what} too often; retry after Retry-After seconds")
    by_organization = limit(lambda: current_app.config[per_organization], shared_scope=scope,
                            key_func=_organization_key, deduct_when=_accepted,
                            error_message=f"Your organization has {what} too often; retry after Retry-After seconds")

    def decorator(view):
        return by_user(by_organization(view))

    return decorator


starts_work = _budget("work", "WORK_RATE_LIMIT_PER_USER", "WORK_RATE_LIMIT_PER_ORGANIZATION",
                      "started background work")
limits_uploads = _budget("upload", "UPLOAD_RATE_LIMIT_PER_USER", "UPLOAD_RATE_LIMIT_PER_ORGANIZATION",
                         "uploaded files")

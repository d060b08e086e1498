"""Authentication and permissions for HTTP routes.

Every `/api/` route requires a valid access token unless its view is marked
`@public`; `@requires("perm")` then checks the caller's role. The token's
session is checked on every request, so logout and deactivation take effect at once:
from the web process's session cache, which every such change empties in every process
(web.session_revocation, docs/security.md).

A token's signature and claims are verified once per process (flask-jwt-extended), then
remembered until it expires: the same bytes cannot verify differently, and what ends a token
early is its session, checked as above."""
import time
from functools import wraps

from flask import current_app, g, request
from flask_jwt_extended import create_access_token, get_jwt, verify_jwt_in_request
from jwt import InvalidTokenError

from models.core import context
from models.core.errors import AuthenticationFailed, PermissionDenied
from models.core.permissions import grants
from models.identity import sessions
from models.identity.actors import actor_fields
from models.identity.tokens import access_token_problem, user_id_of
from web.conventions.errors import error_response
from web.session_revocation import cached_load


def public(view):
    view._public = True
    return view


def _permission_check(permissions: tuple, refusal):
    """A view decorator: `refusal(granted)` returns (message, permissions wanted), or None
    to let the caller in. It runs before argument parsing: no right means 403, never 422."""

    def decorator(view):
        @wraps(view)
        def checked(*args, **kwargs):
            problem = refusal(g.permissions)
            if problem:
                message, wanted = problem
                raise PermissionDenied(message, required=wanted)
            return view(*args, **kwargs)

        checked._permissions = permissions
        return checked

    return decorator


def requires(*permissions):
    """Every one of `permissions`."""

    def refusal(granted):
        missing = [p for p in permissions if not grants(granted, p)]
        return (f"Your role lacks the permission: {', '.join(missing)}", missing) if missing else None

    return _permission_check(permissions, refusal)


def requires_any(*permissions):
    """At least one of `permissions` (e.g. all jobs, or only one's own)."""

    def refusal(granted):
        if any(grants(granted, p) for p in permissions):
            return None
        return f"Your role needs one of: {', '.join(permissions)}", list(permissions)

    return _permission_check(permissions, refusal)


# Any signed-in caller of the organization, whatever the role.
signed_in = requires()


def current_user():
    """The caller: a read-only row of their user columns (see sessions.load_active_user)."""
    return g.user


def token_claims() -> dict:
    """The verified claims of the caller's access token (`sid`: their session)."""
    return g.token_claims


VERIFIED_TOKENS_KEPT = 10_000


def _verified_claims() -> dict:
    """The token's claims, verified by flask-jwt-extended the first time this app sees it."""
    verified = current_app.extensions.setdefault("verified_tokens", {})  # token -> claims, until it expires
    kind, _, token = request.headers.get("Authorization", "").partition(" ")
    claims = verified.get(token) if kind == "Bearer" else None
    if claims is not None and claims["exp"] > time.time():
        return claims
    verify_jwt_in_request()  # raises the 401s: missing, malformed, expired, not an access token
    claims = get_jwt()
    if kind == "Bearer" and token:
        if len(verified) >= VERIFIED_TOKENS_KEPT:
            verified.clear()
        verified[token] = claims
    return claims


def _view_method(endpoint: str):
    view = current_app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return getattr(view_class, request.method.lower(), None)
    return view


def authenticate_request():
    if request.endpoint is None or not request.path.startswith("/api/") or request.method == "OPTIONS":
        return
    method = _view_method(request.endpoint)
    if method is None or getattr(method, "_public", False) or request.endpoint.startswith("api-docs"):
        return
    claims = g.token_claims = _verified_claims()
    loaded = cached_load(current_app, user_id_of(claims["sub"]), claims["sid"], sessions.load_active_user)
    if loaded is None:
        raise AuthenticationFailed("Your session has ended or your account is disabled; log in again")
    g.user, g.permissions = loaded
    context.bind(**actor_fields(g.user, g.permissions))


def issue_access_token(user, session_id: str) -> str:
    return create_access_token(
        identity=str(user.id),
        additional_claims={"org": user.organization_id, "role": user.role, "sid": session_id},
    )


def access_token_seconds() -> int:
    return int(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds())


def _access_token_key(header: dict, raw_claims: dict) -> str:
    """flask-jwt-extended asks for the key with the token's raw header and claims, before
    it verifies the signature and fills in defaults (a missing `type` becomes "access").
    So this is where every decode (HTTP, `decode_token` on Socket.IO connect) refuses what
    is not an access token: a 401 TOKEN_INVALID over HTTP. It only ever refuses; the
    signature and expiry are checked next, as usual."""
    problem = access_token_problem(header, raw_claims)
    if problem:
        raise InvalidTokenError(problem)
    return current_app.config["JWT_SECRET_KEY"]


def install_jwt_errors(jwt):
    def unauthorized(message, code="UNAUTHORIZED"):
        return error_response(401, message, code=code)

    jwt.unauthorized_loader(lambda reason: unauthorized("Missing bearer token: send Authorization: Bearer <token>"))
    jwt.invalid_token_loader(lambda reason: unauthorized(f"Invalid token: {reason}", "TOKEN_INVALID"))
    jwt.expired_token_loader(lambda header, payload: unauthorized("Token expired; refresh it", "TOKEN_EXPIRED"))
    jwt.revoked_token_loader(lambda header, payload: unauthorized("Token revoked", "TOKEN_REVOKED"))
    jwt.needs_fresh_token_loader(lambda header, payload: unauthorized("A fresh login is required"))
    jwt.user_lookup_error_loader(lambda header, payload: unauthorized("Unknown user"))
    jwt.token_verification_failed_loader(lambda header, payload: unauthorized("Token rejected", "TOKEN_INVALID"))


def install(app, jwt):
    jwt.decode_key_loader(_access_token_key)
    install_jwt_errors(jwt)
    app.before_request(authenticate_request)

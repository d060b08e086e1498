from flask import current_app, g, request
from flask.views import MethodView

from models.core import context
from models.core.db import db
from models.core.errors import AuthenticationFailed
from models.identity import accounts, sessions
from models.identity.organization import Organization
from models.marketplace import referrals
from web.auth import access_token_seconds, current_user, issue_access_token, public, signed_in, token_claims
from web.conventions.envelope import Blueprint, created
from web.conventions.limits import limit
from web.conventions.openapi import conflicts, refused_beyond_schema
from web.schemas.identity import (LoginSchema, LogoutSchema, MeSchema, RefreshSchema, RegisterSchema,
                                  RegistrationSchema, TokenPairSchema)

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Sign-up, sign-in and sessions")


def _login_email_key():
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return f"login-email:{str(email).strip().lower()}" if email else f"login-ip:{request.remote_addr}"


def _token_pair(user, session, refresh_token):
    return {
        "access_token": issue_access_token(user, session.id),
        "refresh_token": refresh_token,
        "token_type": "Bearer",
        "expires_in": access_token_seconds(),
        "user": user,
    }


def _start_session(user):
    session, refresh_token = sessions.start_session(user, request.remote_addr, request.user_agent.string)
    return _token_pair(user, session, refresh_token)


@blp.route("/register")
class Register(MethodView):
    @public
    @limit(lambda: current_app.config["LOGIN_RATE_LIMIT_PER_IP"])
    @blp.arguments(RegisterSchema)
    @blp.response(201, RegistrationSchema)
    @conflicts("A user with this email already exists")
    @refused_beyond_schema("An unknown `referral_code`, or the caller's own")
    def post(self, body):
        """Create an organization and its owner; returns the owner's tokens.

        With `referral_code`, the sign-up is recorded as a referral of the code's owner (`signed_up`); an
        unknown code, or one's own, is 422 and nothing is created."""
        fields = dict(organization_name=body["organization_name"], name=body["name"], email=body["email"],
                      password=body["password"], timezone=body["timezone"])
        if body.get("referral_code"):
            org, user = referrals.register_referred(body["referral_code"], **fields)
        else:
            org, user = accounts.register(**fields)
        result = {**_start_session(user), "organization": org}
        return created(result, f"/api/v1/users/{user.id}")


@blp.route("/login")
class Login(MethodView):
    @public
    @limit(lambda: current_app.config["LOGIN_RATE_LIMIT_PER_IP"])
    @limit(lambda: current_app.config["LOGIN_RATE_LIMIT_PER_EMAIL"], key_func=_login_email_key)
    @blp.arguments(LoginSchema)
    @blp.response(200, TokenPairSchema)
    def post(self, body):
        """Exchange email and password for an access token and a refresh token."""
        user = accounts.authenticate(body["email"], body["password"])
        context.bind(organization_id=user.organization_id, user_id=user.id)
        result = _start_session(user)
        return result


@blp.route("/refresh")
class Refresh(MethodView):
    @public
    @limit(lambda: current_app.config["REFRESH_RATE_LIMIT_PER_IP"])
    @blp.arguments(RefreshSchema)
    @blp.response(200, TokenPairSchema)
    def post(self, body):
        """Spend a refresh token for a new pair. Reusing a spent token ends its session."""
        user, session, refresh_token = sessions.rotate(body["refresh_token"])
        context.bind(organization_id=user.organization_id, user_id=user.id)
        result = _token_pair(user, session, refresh_token)
        return result


@blp.route("/logout")
class Logout(MethodView):
    @signed_in
    @blp.arguments(LogoutSchema, required=False)
    @blp.response(204)
    def post(self, body):
        """End this session.

        Its access and refresh tokens stop working at once, and its open Socket.IO connections get
        `session.revoked` and are disconnected. The body is optional: a `refresh_token` sent must be this
        session's."""
        sid = token_claims()["sid"]
        if body.get("refresh_token"):
            other = sessions.session_of_refresh_token(body["refresh_token"])
            if other is not None and other != sid:
                raise AuthenticationFailed("This refresh token belongs to another session")
        sessions.end_session(sid)


@blp.route("/me")
class Me(MethodView):
    @signed_in
    @blp.response(200, MeSchema)
    def get(self):
        """The caller, their organization and their permissions."""
        user = current_user()
        return {"user": user, "organization": db.session.get(Organization, user.organization_id),
                "permissions": g.permissions}

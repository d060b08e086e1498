"""Login sessions and rotating refresh tokens.

An AuthSession is one login (a refresh-token family). Each refresh token is
single-use: refreshing spends it and issues the next one of the same session.
Presenting a spent token again means it leaked, so the whole session is
revoked. Access tokens name their session (`sid`), so revoking a session
(logout, reuse, deactivation) also kills its access tokens at once.
"""
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import DateTime, ForeignKey, String, bindparam, select, update
from sqlalchemy.orm import Mapped, mapped_column

from models.core import events, settings
from models.core.db import as_utc, db, utcnow
from models.core.errors import AuthenticationFailed
from models.identity.role import Role
from models.identity.user import User


@dataclass(frozen=True)
class SessionsEnded(events.DomainEvent):
    """A user's sessions were revoked: their open apps should sign out."""

    user_id: int
    reason: str
    session_ids: tuple | None = None  # None: every session of the user


class AuthSession(db.Model):
    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    last_used_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(String(40))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class RefreshToken(db.Model):
    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True, nullable=False
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_refresh_token(session_id: str) -> str:
    raw = secrets.token_urlsafe(48)
    ttl = timedelta(days=settings.get("REFRESH_TOKEN_TTL_DAYS", 30))
    db.session.add(RefreshToken(session_id=session_id, token_hash=_hash(raw), expires_at=utcnow() + ttl))
    return raw


def start_session(user: User, ip: str | None = None, user_agent: str | None = None) -> tuple[AuthSession, str]:
    session = AuthSession(user_id=user.id, ip=ip, user_agent=(user_agent or "")[:300] or None)
    db.session.add(session)
    db.session.flush()
    return session, _new_refresh_token(session.id)


def _revoking(*conditions, reason: str):
    """The UPDATE that ends the live sessions matching `conditions`."""
    return (update(AuthSession).where(*conditions, AuthSession.revoked_at.is_(None))
            .values(revoked_at=utcnow(), revoked_reason=reason))


def _revoke_now(session_id: str, reason: str) -> None:
    """Revoke in a transaction of its own: it must stick even though the
    request that detected the reason fails. Its event is dispatched here, once that
    transaction has committed (the request's own session, rolled back, records nothing)."""
    with db.engine.begin() as conn:
        ended = conn.execute(_revoking(AuthSession.id == session_id, reason=reason)
                             .returning(AuthSession.user_id)).first()
    if ended is not None:
        events.dispatch(SessionsEnded(ended.user_id, reason, (session_id,)))


def rotate(raw_refresh: str) -> tuple[User, AuthSession, str]:
    """Spend a refresh token and issue its successor in the same session."""
    token = db.session.scalar(select(RefreshToken).where(RefreshToken.token_hash == _hash(raw_refresh)))
    if token is None:
        raise AuthenticationFailed("Invalid refresh token")
    session = db.session.get(AuthSession, token.session_id)
    if session.revoked_at is not None:
        raise AuthenticationFailed("This session has ended; log in again")
    if as_utc(token.expires_at) <= utcnow():
        raise AuthenticationFailed("Refresh token expired; log in again")
    spent = db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == token.id, RefreshToken.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if spent.rowcount != 1:
        db.session.rollback()
        _revoke_now(session.id, "refresh_token_reuse")
        raise AuthenticationFailed("Refresh token already used; the session has been revoked")
    user = db.session.scalar(
        select(User).where(User.id == session.user_id, User.is_active.is_(True)).execution_options(all_tenants=True)
    )
    if user is None:
        raise AuthenticationFailed("Account disabled")
    session.last_used_at = utcnow()
    return user, session, _new_refresh_token(session.id)


def end_session(session_id: str, reason: str = "logout") -> None:
    ended = db.session.execute(_revoking(AuthSession.id == session_id, reason=reason)
                               .returning(AuthSession.user_id)).first()
    if ended is not None:
        events.record(SessionsEnded(ended.user_id, reason, (session_id,)))


def session_of_refresh_token(raw_refresh: str) -> str | None:
    return db.session.scalar(select(RefreshToken.session_id).where(RefreshToken.token_hash == _hash(raw_refresh)))


def end_all_sessions(user: User, reason: str = "account_changed") -> None:
    db.session.execute(_revoking(AuthSession.user_id == user.id, reason=reason))
    events.record(SessionsEnded(user.id, reason))


def end_idle_sessions(idle_for: timedelta) -> int:
    """Revoke sessions unused for `idle_for` (their refresh tokens have lapsed
    too), so they stop holding access. Returns how many ended."""
    cutoff = utcnow() - idle_for
    idle = db.session.execute(
        select(AuthSession.id, AuthSession.user_id)
        .where(AuthSession.revoked_at.is_(None), AuthSession.last_used_at < cutoff)
    ).all()
    by_user: dict[int, list[str]] = {}
    for session_id, user_id in idle:
        by_user.setdefault(user_id, []).append(session_id)
    for user_id, session_ids in by_user.items():
        db.session.execute(_revoking(AuthSession.id.in_(session_ids), reason="idle"))
        events.record(SessionsEnded(user_id, "idle", tuple(session_ids)))
    return len(idle)


def _active_user_statement():
    return (
        select(*User.__table__.columns, Role.permissions.label("role_permissions"))
        .join(AuthSession, AuthSession.user_id == User.id)
        .outerjoin(Role, (Role.organization_id == User.organization_id) & (Role.name == User.role))
        .where(
            User.id == bindparam("user_id"), User.is_active.is_(True), User.deleted_at.is_(None),
            AuthSession.id == bindparam("session_id"), AuthSession.revoked_at.is_(None),
        )
    )


_ACTIVE_USER = _active_user_statement()


def load_active_user(user_id: int, session_id: str):
    """The user behind an access token and their role's permissions, in one query:
    `(user, permissions)`, or None when the user is gone or inactive or the session
    revoked. `user` is a read-only row of the user's columns (no ORM object to
    build on every request); load the User entity where one must be changed.

    Runs on every authenticated request, so it is one prebuilt Core statement on the
    session's connection: its filters are all explicit, and the ORM's per-statement
    work (tenancy criteria, entity loading) would cost more than the query itself."""
    row = db.session.connection().execute(_ACTIVE_USER, {"user_id": user_id, "session_id": session_id}).first()
    return (row, row.role_permissions or []) if row else None


@dataclass(frozen=True)
class SessionState:
    """What a connected socket's session is now (see `session_states`)."""

    user_id: int
    ended_reason: str | None  # None: still live
    role: str
    permissions: tuple  # the role's permissions, sorted
    links: tuple  # whom the user acts for: (customer_id, vendor_id)


def session_states(session_ids) -> dict[str, SessionState]:
    """The present state of these sessions (one query per thousand): ended (revoked, or
    its user deactivated or deleted) or live, with the user's current role, permissions and links.
    A session not in the answer no longer exists."""
    ids = list(session_ids)
    rows = []
    for start in range(0, len(ids), 1000):
        rows += db.session.connection().execute(
            select(AuthSession.id, AuthSession.user_id, AuthSession.revoked_reason, AuthSession.revoked_at,
                   User.is_active, User.deleted_at, User.role, Role.permissions, User.customer_id, User.vendor_id)
            .join(User, User.id == AuthSession.user_id)
            .outerjoin(Role, (Role.organization_id == User.organization_id) & (Role.name == User.role))
            .where(AuthSession.id.in_(ids[start:start + 1000]))
        ).all()
    states = {}
    for row in rows:
        if row.revoked_at is not None:
            ended = row.revoked_reason or "revoked"
        elif not row.is_active or row.deleted_at is not None:
            ended = "account_changed"
        else:
            ended = None
        states[row.id] = SessionState(row.user_id, ended, row.role, tuple(sorted(row.permissions or ())),
                                      (row.customer_id, row.vendor_id))
    return states

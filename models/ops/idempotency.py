"""Idempotency keys for mutating requests (docs/api.md).

A key is scoped per user and lives 24 h. The first request claims it (a row
in state `in_progress`, committed on its own so concurrent requests see it);
when it finishes the response is stored and later requests with the same key
and body replay it. A success is stored by the request's own commit
(`complete_with_the_write`), so it is kept exactly when the write is; a refusal,
which keeps nothing else, on its own. Same key, different body:
IdempotencyKeyReused. Same key while the first is still running:
IdempotencyInProgress. A claim whose request died without finishing is
considered abandoned after a minute.
"""
import hashlib
from datetime import datetime, timedelta

from sqlalchemy import (JSON, DateTime, ForeignKey, Integer, LargeBinary, String, UniqueConstraint, delete, event,
                        select, update)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.core.db import db, utcnow
from models.core.errors import Conflict, ValidationFailed

KEY_TTL = timedelta(hours=24)
ABANDONED_AFTER = timedelta(seconds=60)
_RESPONSE = "fieldops_idempotency_response"  # in session.info: the response its commit stores


class IdempotencyKeyReused(ValidationFailed):
    code = "IDEMPOTENCY_KEY_REUSED"


class IdempotencyInProgress(Conflict):
    code = "IDEMPOTENCY_IN_PROGRESS"


class IdempotencyRecord(db.Model):
    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(20), default="in_progress", nullable=False)
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_headers: Mapped[dict | None] = mapped_column(JSON)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), b"\0", path.encode(), b"\0", body):
        digest.update(part)
    return digest.hexdigest()


def claim(user_id: int, key: str, print_: str) -> IdempotencyRecord | None:
    """Claim `key` for a new request, or return the finished record to replay.

    Runs in its own transaction so the claim is visible to concurrent requests."""
    now = utcnow()
    with db.engine.begin() as conn:
        conn.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key,
                (IdempotencyRecord.expires_at <= now)
                | ((IdempotencyRecord.status == "in_progress") & (IdempotencyRecord.created_at <= now - ABANDONED_AFTER)),
            )
        )
    try:
        with db.engine.begin() as conn:
            conn.execute(
                IdempotencyRecord.__table__.insert().values(
                    user_id=user_id, key=key, fingerprint=print_, status="in_progress",
                    created_at=now, expires_at=now + KEY_TTL,
                )
            )
        return None
    except IntegrityError:
        pass
    with db.engine.connect() as conn:
        existing = conn.execute(
            select(IdempotencyRecord.__table__).where(
                IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
            )
        ).first()
    if existing is None:  # finished and purged between our two statements: rare, retry once
        return claim(user_id, key, print_)
    if existing.fingerprint != print_:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used with a different request",
            idempotency_key=["reused with a different body or path"],
        )
    if existing.status == "in_progress":
        raise IdempotencyInProgress("A request with this Idempotency-Key is still being processed")
    return IdempotencyRecord(
        status=existing.status, response_status=existing.response_status,
        response_headers=existing.response_headers, response_body=existing.response_body,
    )


def _completing(user_id: int, key: str, status: int, headers: dict, body: bytes):
    return (update(IdempotencyRecord.__table__)
            .where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
            .values(status="completed", response_status=status, response_headers=headers, response_body=body))


def complete(user_id: int, key: str, status: int, headers: dict, body: bytes) -> None:
    """Store the response in a transaction of its own (a refusal: the request kept nothing)."""
    with db.engine.begin() as conn:
        conn.execute(_completing(user_id, key, status, headers, body))


def complete_with_the_write(user_id: int, key: str, status: int, headers: dict, body: bytes) -> None:
    """Store the response as part of the session's commit (which then also flushes the
    request's write): it is kept exactly when the write is. Should the transaction roll
    back instead (its commit failed), the claim is released, so that the client's retry
    runs the request again."""
    db.session.info[_RESPONSE] = (user_id, key, status, headers, body)


@event.listens_for(Session, "before_commit")
def _store_with_the_write(session):
    response = session.info.get(_RESPONSE)
    if response is not None:
        session.connection().execute(_completing(*response))


@event.listens_for(Session, "after_commit")
def _kept(session):
    session.info.pop(_RESPONSE, None)


@event.listens_for(Session, "after_rollback")
def _release_with_the_write(session):
    response = session.info.pop(_RESPONSE, None)
    if response is not None:
        user_id, key, *_ = response
        release(user_id, key)


def release(user_id: int, key: str) -> None:
    """Forget a claim whose request failed on our side, so the client may retry."""
    with db.engine.begin() as conn:
        conn.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
        )


def purge_expired(now: datetime | None = None) -> int:
    with db.engine.begin() as conn:
        result = conn.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= (now or utcnow())))
    return result.rowcount



"""Idempotency keys for mutating requests (docs/api.md).

A key is scoped per user and lives 24 h. The first request claims it (a row
in state `in_progress`, committed on its own so concurrent requests see it);
when it finishes the response is stored and later requests with the same key
and body replay it. Same key, different body: IdempotencyKeyReused. Same key
while the first is still running: IdempotencyInProgress. A claim whose request
died without finishing is considered abandoned after a minute.
"""
import hashlib
from datetime import datetime, timedelta

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from models.core.db import db, utcnow
from models.core.errors import Conflict, ValidationFailed

KEY_TTL = timedelta(hours=24)
ABANDONED_AFTER = timedelta(seconds=60)


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


def complete(user_id: int, key: str, status: int, headers: dict, body: bytes) -> None:
    with db.engine.begin() as conn:
        conn.execute(
            IdempotencyRecord.__table__.update()
            .where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
            .values(status="completed", response_status=status, response_headers=headers, response_body=body)
        )


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



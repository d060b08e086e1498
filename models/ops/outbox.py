"""Transactional outbox for background tasks.

`enqueue()` writes the task into the same transaction as the business change.
After commit the message is published to the broker at once and its row
deleted; if the broker is unreachable the row stays and `relay_pending()` (run
by beat) publishes it once Redis is back. A rolled-back transaction enqueues
nothing; a committed one loses nothing. The row id is the Celery task id, so a
message relayed twice is recognisable downstream.

A row also keeps the message headers: the id of the request that enqueued it
(`request_id`, so the task's log lines carry it however late it is relayed) and
any the caller adds.

Work for later (`enqueue_at`: a delivery's retry, a scheduled notification) is
durable the same way: a message due within `ETA_HORIZON` is published at once
with that ETA; a later one stays a row until beat's relay finds it due. So no
long ETA ever sits on the broker, where it would outlive the visibility timeout.
"""
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import JSON, DateTime, Integer, String, Text, delete, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from models.core import context, events
from models.core.db import db, utcnow

log = logging.getLogger(__name__)


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    task_name: Mapped[str] = mapped_column(String(200), nullable=False)
    args: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    kwargs: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict | None] = mapped_column(JSON)
    not_before: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # run no earlier (enqueue_at)


@dataclass(frozen=True)
class TaskEnqueued(events.DomainEvent):
    message_id: str
    task_name: str
    args: tuple
    kwargs: dict
    headers: dict | None = None
    not_before: datetime | None = None


# A message due within this long goes to the broker with its ETA; a later one waits in the outbox.
ETA_HORIZON = timedelta(seconds=60)

_publisher = None


def set_publisher(publish) -> None:
    """`publish(task_name, args, kwargs, task_id, headers, eta)` sends one message to the
    broker (the Celery layer installs it); it raises when the broker is unreachable."""
    global _publisher
    _publisher = publish


def enqueue(task_name: str, *args, task_id: str | None = None, **kwargs) -> str:
    """Schedule a task to run after the current transaction commits. Returns its task
    id: `task_id` when given (a BackgroundJob's id), else a new one."""
    return enqueue_in(db.session, task_name, list(args), kwargs, task_id=task_id)


def enqueue_at(not_before: datetime, task_name: str, *args, **kwargs) -> str:
    """`enqueue`, for a task to run no earlier than `not_before` (however far ahead)."""
    return enqueue_in(db.session, task_name, list(args), kwargs, not_before=not_before)


def enqueue_in(session, task_name: str, args: list, kwargs: dict, task_id: str | None = None,
               headers: dict | None = None, not_before: datetime | None = None) -> str:
    """`enqueue` in a given session, with extra message headers."""
    headers = {"request_id": context.current().request_id, **(headers or {})}
    headers = {name: value for name, value in headers.items() if value is not None} or None
    message = OutboxMessage(id=task_id or str(uuid.uuid4()), task_name=task_name, args=list(args), kwargs=kwargs,
                            headers=headers, not_before=not_before)
    session.add(message)
    events.record(TaskEnqueued(message.id, task_name, tuple(args), kwargs, headers, not_before), session=session)
    return message.id


def _due_soon(not_before: datetime | None, now: datetime) -> bool:
    return not_before is None or _aware(not_before) <= now + ETA_HORIZON


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)  # SQLite hands back naive UTC


def _publish(conn, message_id: str, task_name: str, args, kwargs, headers, not_before=None) -> bool:
    """Send one message; on success delete its row, on failure note the attempt."""
    if _publisher is None:
        log.warning("no task publisher configured; %s %s stays in the outbox", task_name, message_id)
        return False
    eta = _aware(not_before) if not_before is not None and _aware(not_before) > utcnow() else None
    try:
        _publisher(task_name, list(args), dict(kwargs), message_id, dict(headers or {}), eta)
    except Exception as exc:  # broker down: the outbox row keeps the task
        log.warning("broker unreachable, %s %s kept in outbox: %s", task_name, message_id, exc)
        conn.execute(
            OutboxMessage.__table__.update()
            .where(OutboxMessage.id == message_id)
            .values(attempts=OutboxMessage.attempts + 1, last_error=str(exc)[:2000])
        )
        return False
    conn.execute(delete(OutboxMessage).where(OutboxMessage.id == message_id))
    return True


def _publish_after_commit(evt: TaskEnqueued) -> None:
    if not _due_soon(evt.not_before, utcnow()):
        return  # beat's relay publishes it when it falls due
    with db.engine.begin() as conn:
        _publish(conn, evt.message_id, evt.task_name, evt.args, evt.kwargs, evt.headers, evt.not_before)


events.subscribe(TaskEnqueued, _publish_after_commit)


def _relayable(older_than: timedelta):
    """Rows the committing process did not publish (older than the grace) that are due soon."""
    now = utcnow()
    return (OutboxMessage.created_at <= now - older_than,
            or_(OutboxMessage.not_before.is_(None), OutboxMessage.not_before <= now + ETA_HORIZON))


def has_pending(older_than: timedelta = timedelta(seconds=10)) -> bool:
    """Is anything waiting for `relay_pending`? One indexed query (beat asks before relaying)."""
    with db.engine.connect() as conn:
        return conn.execute(select(OutboxMessage.id).where(*_relayable(older_than)).limit(1)).first() is not None


def relay_pending(older_than: timedelta = timedelta(seconds=10), limit: int = 500) -> int:
    """Publish messages whose immediate publish failed. Returns how many were sent.

    Only rows older than `older_than` are taken, so a message still being
    published by the process that committed it is left to that process."""
    stmt = (
        select(OutboxMessage.id, OutboxMessage.task_name, OutboxMessage.args, OutboxMessage.kwargs,
               OutboxMessage.headers, OutboxMessage.not_before)
        .where(*_relayable(older_than))
        .order_by(OutboxMessage.created_at)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    sent = 0
    with db.engine.begin() as conn:
        for row in conn.execute(stmt).all():
            if not _publish(conn, row.id, row.task_name, row.args, row.kwargs, row.headers, row.not_before):
                break  # broker still down; try again on the next beat
            sent += 1
    return sent

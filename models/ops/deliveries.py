"""Deliveries: anything that leaves the process (a push, a mail, a webhook) is a row written
in the business transaction and sent after commit by one task per row (docs/architecture.md).

- The row is written with `status` queued and its task enqueued through the outbox, in the
  same transaction: a rollback sends nothing, and Redis down at commit loses nothing.
- `claim()` is the lock. It moves the row from queued to sending, in a short transaction of
  its own, before anything is sent. A redelivered task (its worker killed mid-send) finds
  the row sending or sent and does nothing, so nothing goes out twice.
- `settle()` records what the attempt came to, in the task's unit of work. A transient
  failure queues the row again with the next delay of its schedule (jittered, and never
  sooner than the far side's `Retry-After`), enqueued for then through the outbox
  (`enqueue_at`: no long ETA on the broker). Spent retries end it failed.
- `reclaim_stuck()` (beat) queues again a row left sending longer than the broker's
  visibility timeout: its worker died after claiming it, and no redelivery will come.

This lives beside the outbox (models.ops), which it enqueues through. Each kind of delivery
(models.notify) is a model with the `DeliveryState` columns and a task of its own."""
import random
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Integer, String, Text, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.core import settings
from models.core.db import db, utcnow
from models.core.ports import FAILED, GONE, RETRY, SENT, SendResult
from models.ops import outbox

QUEUED, SENDING = "queued", "sending"
JITTER = 0.2  # each delay is drawn from ±20% of its scheduled value
MAX_RETRY_AFTER = 24 * 60 * 60  # a Retry-After beyond a day is taken as a day
ANY_TENANT = {"all_tenants": True}  # a task knows a delivery by its id until the row names its organization


class DeliveryState:
    """The columns every delivery model shares."""

    status: Mapped[str] = mapped_column(String(16), default=QUEUED, nullable=False, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    last_error: Mapped[str | None] = mapped_column(Text)
    response_status: Mapped[int | None] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def schedule_setting(name: str, default: str) -> tuple[float, ...]:
    """A kind of delivery's retry schedule, from the setting `name` (comma-separated seconds; empty: no
    retry), or `default` when it is not set."""
    value = settings.get(name)
    return parse_schedule(str(default if value is None else value))


def stuck_after() -> timedelta:
    """How long a delivery may stay `sending` before beat takes its worker for dead: the broker's
    visibility timeout, past which no redelivery of its task can still come."""
    return timedelta(seconds=float(settings.get("BROKER_VISIBILITY_TIMEOUT", 2 * 60 * 60)))


def parse_schedule(text: str) -> tuple[float, ...]:
    """`"10,60,300"` -> (10.0, 60.0, 300.0): the delays, in seconds, before each retry."""
    delays = tuple(float(item) for item in text.split(",") if item.strip())
    if any(delay < 0 for delay in delays):
        raise ValueError(f"a retry schedule holds no negative delay: {text!r}")
    return delays


def next_delay(schedule: tuple[float, ...], retries_done: int, retry_after: float | None = None) -> float | None:
    """Seconds to wait before the next attempt, or None when the schedule is spent."""
    if retries_done >= len(schedule):
        return None
    delay = schedule[retries_done] * random.uniform(1 - JITTER, 1 + JITTER)
    if retry_after:
        delay = max(delay, min(float(retry_after), MAX_RETRY_AFTER))
    return delay


def claim(model, delivery_id: int, now: datetime | None = None) -> bool:
    """Take a queued delivery that is due for one attempt (queued → sending, attempts + 1), committed
    at once. False when another delivery of the task holds it, it is sent, failed or cancelled, or a
    message for an earlier schedule arrived before its retry is due."""
    now = now or utcnow()
    with Session(db.engine) as session:
        done = session.execute(
            update(model)
            .where(model.id == delivery_id, model.status == QUEUED,
                   (model.next_attempt_at.is_(None)) | (model.next_attempt_at <= now + timedelta(seconds=1)))
            .values(status=SENDING, attempts=model.attempts + 1, claimed_at=now)
            .execution_options(synchronize_session=False, **ANY_TENANT))
        session.commit()
        return done.rowcount == 1


def load(model, delivery_id: int):
    return db.session.get(model, delivery_id, execution_options=ANY_TENANT)


def settle(delivery, result: SendResult, *, schedule: tuple[float, ...], task_name: str,
           gone_status: str = FAILED) -> str:
    """Record `result` on the claimed `delivery` (in the caller's unit of work) and return its new
    status. `gone_status`: what a delivery whose address no longer exists becomes."""
    now = utcnow()
    delivery.response_status = result.response_status
    delivery.last_error = result.error[:2000] if result.error else None
    if result.outcome == SENT:
        delivery.status, delivery.sent_at, delivery.next_attempt_at = SENT, now, None
    elif result.outcome == GONE:
        delivery.status, delivery.next_attempt_at = gone_status, None
    elif result.outcome == RETRY and (delay := next_delay(schedule, delivery.attempts - 1, result.retry_after)):
        retry_at = now + timedelta(seconds=delay)
        delivery.status, delivery.next_attempt_at = QUEUED, retry_at
        outbox.enqueue_at(retry_at, task_name, delivery.id)
    else:
        delivery.status, delivery.next_attempt_at = FAILED, None
    return delivery.status


def send_again(delivery, task_name: str) -> None:
    """Queue a finished delivery for one more attempt now (a replay); in the caller's transaction."""
    delivery.status, delivery.next_attempt_at = QUEUED, utcnow()
    outbox.enqueue(task_name, delivery.id)


def reclaim_stuck(model, task_name: str) -> int:
    """Queue again, and enqueue, the deliveries left sending for longer than `stuck_after()`."""
    cutoff = utcnow() - stuck_after()
    stuck = db.session.scalars(
        db.select(model).where(model.status == SENDING, model.claimed_at < cutoff)
        .with_for_update(skip_locked=True).execution_options(**ANY_TENANT)).all()
    for delivery in stuck:
        delivery.status, delivery.next_attempt_at = QUEUED, None
        delivery.last_error = "its worker was lost while sending; trying again"
        outbox.enqueue(task_name, delivery.id)
    return len(stuck)


def has_stuck(model) -> bool:
    return db.session.scalar(db.select(model.id).where(model.status == SENDING,
                                                        model.claimed_at < utcnow() - stuck_after())
                             .limit(1).execution_options(**ANY_TENANT)) is not None


__all__ = ["QUEUED", "SENDING", "SENT", "FAILED", "GONE", "RETRY", "DeliveryState", "claim", "load", "settle",
           "send_again", "reclaim_stuck", "has_stuck", "parse_schedule", "schedule_setting", "stuck_after",
           "next_delay"]

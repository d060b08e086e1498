"""A refund of a booking's payment: requested → approved → processing → succeeded | failed, or
rejected; executed by the `refund` background job through the payment provider, exactly once
(docs/api.md#refunds)."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, String, Text, func, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core import events
from models.core.audit import Audited
from models.core.db import Timestamped, db, relinked, utcnow
from models.core.errors import InvalidTransition, ValidationFailed
from models.core.money import Money, decimal_of, round_half_up
from models.core.tenancy import TenantScoped
from models.identity.user import User
from models.marketplace.booking import Booking
from models.marketplace.events import RefundUpdated
from models.marketplace.payment import BookingPayment
from models.ops import background_job

STATUSES = ("requested", "approved", "rejected", "processing", "succeeded", "failed")
# What counts against the payment: a refund in one of these may still take (or took) money back.
HOLDING = ("requested", "approved", "processing", "succeeded")
MOVES = {"requested": ("approved", "rejected"), "approved": ("processing",), "processing": ("succeeded", "failed"),
         "rejected": (), "succeeded": (), "failed": ()}


class Refund(Audited, TenantScoped, Timestamped, db.Model):
    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True,
                                            nullable=False)
    payment_id: Mapped[int] = mapped_column(ForeignKey("booking_payments.id", ondelete="CASCADE"), index=True,
                                            nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), default="requested", nullable=False)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approval_note: Mapped[str | None] = mapped_column(String(500))
    rejected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rejected_reason: Mapped[str | None] = mapped_column(String(500))
    failure_reason: Mapped[str | None] = mapped_column(Text)
    provider_refund_id: Mapped[str | None] = mapped_column(String(100))
    job_id: Mapped[str | None] = mapped_column(String(64))  # the `refund` BackgroundJob that executes it
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # succeeded or failed

    booking = relationship(Booking, lazy="joined")
    payment = relationship(BookingPayment, lazy="joined")
    requested_by = relationship(User, foreign_keys=[requested_by_id], lazy="joined")
    approved_by = relationship(User, foreign_keys=[approved_by_id], lazy="joined")

    __table_args__ = (
        db.Index("ix_refunds_org_created", "organization_id", "created_at", "id"),
        db.Index("ix_refunds_org_status", "organization_id", "status"),
        db.Index("ix_refunds_org_processed", "organization_id", "processed_at"),
    )


EXECUTE_TASK = "marketplace.execute_refund"


def succeeded_payment(booking: Booking) -> BookingPayment | None:
    return db.session.scalar(select(BookingPayment).where(BookingPayment.booking_id == booking.id,
                                                          BookingPayment.status == "succeeded"))


def locked_payment(payment: BookingPayment) -> BookingPayment:
    """Take the payment row's write lock until the transaction ends, so that concurrent refund
    requests of one payment check the sum one after another. An UPDATE (rather than SELECT ...
    FOR UPDATE) locks on SQLite too, where it takes the database's write lock."""
    db.session.execute(update(BookingPayment).where(BookingPayment.id == payment.id)
                       .values(updated_at=utcnow()).execution_options(synchronize_session=False))
    db.session.refresh(payment)
    return payment


def refundable(payment: BookingPayment) -> Decimal:
    """What may still be refunded: the payment less its refunds that hold (or took) money back."""
    held = db.session.scalar(select(func.coalesce(func.sum(Refund.amount), 0))
                             .where(Refund.payment_id == payment.id, Refund.status.in_(HOLDING)))
    return round_half_up(payment.amount - decimal_of(held or 0))


def request_refund(booking: Booking, *, amount: Decimal | None, reason: str | None, actor_id: int | None) -> Refund:
    """A refund of the booking's payment, `requested`. `amount` defaults to what is still refundable;
    more than that is 422 with `details.amount`, under concurrent requests too (the payment's lock)."""
    payment = succeeded_payment(booking)
    if payment is None:
        raise ValidationFailed("The booking has no payment to refund", amount=["the booking is not paid"])
    left = refundable(locked_payment(payment))
    amount = left if amount is None else round_half_up(amount)
    if amount <= 0 or amount > left:
        raise ValidationFailed(f"At most {left} {payment.currency} can be refunded",
                               amount=[f"must be more than 0 and at most {left}"])
    refund = Refund(booking_id=booking.id, payment_id=payment.id, amount=amount, currency=payment.currency,
                    reason=reason, status="requested", requested_by_id=actor_id)
    db.session.add(refund)
    db.session.flush()
    _announce(refund)
    return refund


def _check_move(refund: Refund, target: str) -> None:
    """Under the refund's row lock, on its status as committed: of two approvals at once, one moves it."""
    db.session.execute(update(Refund).where(Refund.id == refund.id).values(updated_at=utcnow())
                       .execution_options(synchronize_session=False))
    db.session.refresh(refund)
    if target not in MOVES[refund.status]:
        raise InvalidTransition(f"A {refund.status} refund cannot become {target}", allowed=list(MOVES[refund.status]))


def approve(refund: Refund, *, actor_id: int | None, note: str | None = None):
    """`approved`, and a `refund` background job to execute it (returned); only from `requested` (409)."""
    _check_move(refund, "approved")
    refund.status, refund.approved_by_id, refund.approved_at, refund.approval_note = "approved", actor_id, utcnow(), note
    job = background_job.start("refund", EXECUTE_TASK, {"refund_id": refund.id}, actor_id, refund.organization_id)
    refund.job_id = job.id
    relinked(refund)  # its answer names who approved it
    _announce(refund)
    return job


def reject(refund: Refund, *, actor_id: int | None, reason: str) -> Refund:
    _check_move(refund, "rejected")
    refund.status, refund.rejected_by_id, refund.rejected_reason = "rejected", actor_id, reason
    _announce(refund)
    return relinked(refund)


def announce(refund: Refund, session=None) -> None:
    """`refund.updated`, after the commit of `session` (the unit of work's by default)."""
    _announce(refund, session)


def _announce(refund: Refund, session=None) -> None:
    session = session or db.session
    consumer_id = session.scalar(select(Booking.user_id).where(Booking.id == refund.booking_id))
    events.record(RefundUpdated(organization_id=refund.organization_id, refund_id=refund.id,
                                booking_id=refund.booking_id, status=refund.status, amount=refund.amount,
                                currency=refund.currency, consumer_id=consumer_id), session=session)

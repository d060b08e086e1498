"""A refund of a booking's payment: requested → approved → processing → succeeded | failed, or
rejected; executed by the `refund` background job through the payment provider, exactly once
(docs/api.md#refunds)."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core.audit import Audited
from models.core.db import Timestamped, db
from models.core.money import Money
from models.core.tenancy import TenantScoped
from models.identity.user import User
from models.marketplace.booking import Booking
from models.marketplace.payment import BookingPayment

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

"""A booking's payment, charged through the payment provider (models.core.ports.PaymentProvider;
docs/api.md#marketplace). A declined or failed charge stays as a `failed` row; a booking has at
most one `succeeded` payment, whose `refunded_amount` its succeeded refunds add up to."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from models.core.audit import Audited
from models.core.db import Timestamped, db
from models.core.money import ZERO, Money
from models.core.tenancy import TenantScoped

METHODS = ("card", "wallet", "bank_transfer", "cash")
STATUSES = ("pending", "succeeded", "failed")


class BookingPayment(Audited, TenantScoped, Timestamped, db.Model):
    __tablename__ = "booking_payments"
    __audit_entity_type__ = "booking_payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True,
                                            nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    method: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(20), default="pending", nullable=False)
    provider: Mapped[str] = mapped_column(String(20), nullable=False)  # sandbox | stripe
    provider_ref: Mapped[str | None] = mapped_column(String(100))  # the provider's charge id
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    refunded_amount: Mapped[Decimal] = mapped_column(Money(), default=ZERO, nullable=False)
    failure_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        # At most one succeeded payment per booking: paying twice is refused even when two requests race.
        db.Index("ix_booking_payments_one_succeeded", "booking_id", unique=True,
                 postgresql_where=text("status = 'succeeded'"), sqlite_where=text("status = 'succeeded'")),
        db.Index("ix_booking_payments_org_paid", "organization_id", "paid_at"),
    )

"""A booking: a consumer's order of a vendor's service at a time, numbered BKG-YYYY-NNNN,
worked pending → confirmed → in_progress → completed (or cancelled, no_show) with a history of
every move (docs/api.md#marketplace). Its payment and refunds are models.marketplace.payment
and models.marketplace.refund."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core.audit import Audited
from models.core.db import Timestamped, db, utcnow
from models.core.money import Money
from models.core.tenancy import SoftDeletable, TenantScoped, live_index
from models.core.workflow import StatusHistory, Workflow
from models.identity.user import User
from models.marketplace.service import Service
from models.vendors.vendor import Vendor

PAYMENT_STATUSES = ("unpaid", "paid", "partially_refunded", "refunded")
FINAL = ("completed", "cancelled", "no_show")
RESCHEDULABLE = ("pending", "confirmed")
CONSUMER_CANCELLABLE = ("pending", "confirmed")


class BookingStatusHistory(StatusHistory, db.Model):
    __tablename__ = "booking_status_history"
    subject_key = "booking_id"

    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True,
                                            nullable=False)
    actor = relationship(User, lazy="joined")


class Booking(Audited, TenantScoped, SoftDeletable, Timestamped, db.Model):
    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_number: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(20), default="pending", nullable=False)
    payment_status: Mapped[str] = mapped_column(String(20), default="unpaid", nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)  # the consumer
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), nullable=False)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), nullable=False)
    scheduled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    duration_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)  # the service's price when booked
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    address: Mapped[str | None] = mapped_column(String(500))
    city: Mapped[str | None] = mapped_column(String(100))
    customer_notes: Mapped[str | None] = mapped_column(Text)
    cancellation_reason: Mapped[str | None] = mapped_column(String(500))
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    user = relationship(User, foreign_keys=[user_id], lazy="joined")
    vendor = relationship(Vendor, lazy="joined")
    service = relationship(Service, lazy="joined")
    cancelled_by = relationship(User, foreign_keys=[cancelled_by_id], lazy="joined")

    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        live_index("ix_bookings_org_created", "organization_id", "created_at", "id"),
        live_index("ix_bookings_org_scheduled", "organization_id", "scheduled_at", "id"),
        live_index("ix_bookings_org_status", "organization_id", "status", "created_at"),
        live_index("ix_bookings_org_vendor", "organization_id", "vendor_id", "created_at"),
        live_index("ix_bookings_org_user", "organization_id", "user_id", "created_at"),
        db.Index("ix_bookings_org_number", "organization_id", "booking_number", unique=True),
        db.Index("ix_bookings_service", "service_id"),
    )


class BookingNote(TenantScoped, db.Model):
    """An admin's note on a booking (PATCH /admin/bookings/{id} `note`)."""
    __tablename__ = "booking_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True,
                                            nullable=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    author = relationship(User, lazy="joined")


WORKFLOW = Workflow({
    "pending": ("confirmed", "cancelled"),
    "confirmed": ("in_progress", "cancelled", "no_show"),
    "in_progress": ("completed", "cancelled"),
    "completed": (),
    "cancelled": (),
    "no_show": (),
}, initial=("pending",), history=BookingStatusHistory, noun="booking")
STATUSES = WORKFLOW.statuses

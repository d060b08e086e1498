"""A booking: a consumer's order of a vendor's service at a time, numbered BKG-YYYY-NNNN,
worked pending → confirmed → in_progress → completed (or cancelled, no_show) with a history of
every move (docs/api.md#marketplace). Its payment and refunds are models.marketplace.payment
and models.marketplace.refund."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core import events
from models.core.audit import Audited
from models.core.db import Timestamped, db, utcnow
from models.core.errors import ValidationFailed
from models.core.money import Money
from models.core.numbering import next_number_for
from models.core.tenancy import SoftDeletable, TenantScoped, live_index
from models.core.workflow import StatusHistory, Workflow
from models.identity.organization import Organization
from models.identity.user import User
from models.marketplace.events import BookingUpdated
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


def create_booking(service: Service, consumer_id: int, fields: dict, *, at: datetime | None = None) -> Booking:
    """A consumer's booking of `service`, `pending`, at the service's price; numbered inside the
    caller's transaction (a failed create takes its number back). `at` back-dates it (the demo's)."""
    if not service.is_active:
        raise ValidationFailed("This service is not offered any more", service_id=["the service is inactive"])
    if service.vendor.status != "active":
        raise ValidationFailed("This vendor is suspended", service_id=["the service's vendor is suspended"])
    organization = db.session.get(Organization, service.organization_id)
    at = at or utcnow()
    booking = Booking(booking_number=next_number_for(organization, "BKG", at), status="pending",
                      payment_status="unpaid", user_id=consumer_id, vendor_id=service.vendor_id, service_id=service.id,
                      scheduled_at=fields["scheduled_at"], duration_minutes=service.duration_minutes,
                      amount=service.price, currency=service.currency, address=fields.get("address"),
                      city=fields.get("city"), customer_notes=fields.get("customer_notes"), created_at=at,
                      updated_at=at)
    db.session.add(booking)
    db.session.flush()
    WORKFLOW.start(booking, actor_id=consumer_id).created_at = at
    _announce(booking, None, consumer_id, at)
    return booking


def book(service_id: int, consumer_id: int, fields: dict) -> Booking:
    """POST /bookings: the consumer's booking of the organization's service `service_id` (422 when
    there is none), at a time in the future (422 otherwise)."""
    service = db.session.scalar(select(Service).where(Service.id == service_id))
    if service is None:
        raise ValidationFailed("Unknown service", service_id=[f"no service {service_id} in this organization"])
    if fields["scheduled_at"] <= utcnow():
        raise ValidationFailed("A booking is scheduled in the future", scheduled_at=["must be in the future"])
    return create_booking(service, consumer_id, fields)


def move(booking: Booking, target: str, *, actor_id: int | None, reason: str | None = None,
         at: datetime | None = None) -> BookingStatusHistory:
    """The one way a booking changes status: checked by WORKFLOW (409 with `allowed`), with its
    history row, its side effects (who cancelled and why, when it completed) and `booking.updated`."""
    previous = booking.status
    row = WORKFLOW.move(booking, target, actor_id=actor_id, reason=reason)
    row.created_at = at or row.created_at
    if target == "cancelled":
        booking.cancellation_reason, booking.cancelled_by_id, booking.cancelled_at = reason, actor_id, row.created_at
    elif target == "completed":
        booking.completed_at = row.created_at
    _announce(booking, previous, actor_id, row.created_at)
    return row


def _announce(booking: Booking, previous: str | None, actor_id: int | None, at: datetime) -> None:
    events.record(BookingUpdated(organization_id=booking.organization_id, booking_id=booking.id,
                                 booking_number=booking.booking_number, old_status=previous,
                                 new_status=booking.status, updated_by=actor_id, consumer_id=booking.user_id,
                                 vendor_id=booking.vendor_id, timestamp=at))

"""What people do to a booking beyond creating it (docs/api.md#bookings): the admin's combined PATCH,
the consumer's cancel, and what a detail shows. Each runs in the caller's one transaction: a part
refused refuses the whole, and nothing changes."""
from datetime import datetime

from sqlalchemy import select

from models.core.db import db, relinked, utcnow
from models.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed, VersionConflict
from models.core.permissions import grants
from models.marketplace import refund as refunds
from models.marketplace.booking import (CONSUMER_CANCELLABLE, RESCHEDULABLE, Booking, BookingNote, BookingStatusHistory,
                                        move)
from models.marketplace.payment import BookingPayment
from models.marketplace.refund import Refund

APPROVER = "refunds:approve"


def apply_admin_changes(booking: Booking, changes: dict, *, actor_id: int, permissions) -> Booking:
    """PATCH /admin/bookings/{id}: `version` checked first, then the status move (with `reason`; a
    cancel may carry a `refund`, approved at once when the caller may approve refunds), the
    reschedule and the note. 422, 409 INVALID_TRANSITION or 409 VERSION_CONFLICT refuse it all."""
    if not changes:
        raise ValidationFailed("Send at least one field", _schema=["at least one of status, refund, note, "
                                                                   "scheduled_at, version"])
    if "version" in changes and changes["version"] != booking.version:
        raise VersionConflict("The booking was changed by someone else; reload it",
                              version=[f"current version is {booking.version}"])
    status, refund = changes.get("status"), changes.get("refund")
    if status == "cancelled" and not changes.get("reason"):
        raise ValidationFailed("A cancellation needs a reason", reason=["required when cancelling"])
    if refund is not None and status != "cancelled":
        raise ValidationFailed("A refund comes with a cancellation", refund=["only with status cancelled"])
    if "reason" in changes and status is None:
        raise ValidationFailed("A reason goes with a status", reason=["only with status"])
    if "scheduled_at" in changes:
        reschedule(booking, changes["scheduled_at"])
    if status is not None:
        move(booking, status, actor_id=actor_id, reason=changes.get("reason"))
    if refund is not None:
        requested = refunds.request_refund(booking, amount=refund.get("amount"),
                                           reason=refund.get("reason") or changes["reason"], actor_id=actor_id)
        if grants(permissions, APPROVER):
            refunds.approve(requested, actor_id=actor_id, note="approved with the booking's cancellation")
    if changes.get("note"):
        db.session.add(BookingNote(organization_id=booking.organization_id, booking_id=booking.id,
                                   author_id=actor_id, body=changes["note"], created_at=utcnow()))
    booking.updated_at = utcnow()  # a note alone is a change of the booking too: its version moves
    return relinked(booking)


def reschedule(booking: Booking, scheduled_at: datetime) -> None:
    if booking.status not in RESCHEDULABLE:
        raise Conflict(f"A {booking.status} booking cannot be rescheduled",
                       scheduled_at=["only a pending or confirmed booking is rescheduled"])
    if scheduled_at <= utcnow():
        raise ValidationFailed("A booking is scheduled in the future", scheduled_at=["must be in the future"])
    booking.scheduled_at = scheduled_at


def cancel_by_consumer(booking: Booking, *, reason: str, actor_id: int) -> Booking:
    """The consumer's cancel, while pending or confirmed; a paid booking gets a refund of everything
    still refundable, `requested` (an admin approves it)."""
    if booking.status not in CONSUMER_CANCELLABLE:
        raise InvalidTransition(f"A {booking.status} booking can no longer be cancelled by its consumer",
                                allowed=[])
    move(booking, "cancelled", actor_id=actor_id, reason=reason)
    payment = refunds.succeeded_payment(booking)
    if payment is not None and refunds.refundable(payment) > 0:
        refunds.request_refund(booking, amount=None, reason=f"Cancelled by the consumer: {reason}",
                               actor_id=actor_id)
    return relinked(booking)


def own_booking(booking_id: int, *, user_id: int | None = None, vendor_id: int | None = None) -> Booking:
    """The organization's booking `booking_id` if it is the consumer's (or the vendor's), else 404."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or (user_id is not None and booking.user_id != user_id) or (
            vendor_id is not None and booking.vendor_id != vendor_id):
        raise NotFound(f"Booking {booking_id} not found")
    return booking


def detail_of(booking: Booking) -> dict:
    """The detail's parts beyond the booking's own columns, a query each."""
    return {
        "payment": db.session.scalar(select(BookingPayment).where(BookingPayment.booking_id == booking.id)
                                     .order_by((BookingPayment.status == "succeeded").desc(),
                                               BookingPayment.id.desc()).limit(1)),
        "refunds": db.session.scalars(select(Refund).where(Refund.booking_id == booking.id)
                                      .order_by(Refund.id)).all(),
        "notes": db.session.scalars(select(BookingNote).where(BookingNote.booking_id == booking.id)
                                    .order_by(BookingNote.id)).all(),
        "history": BookingStatusHistory.of(booking),
    }

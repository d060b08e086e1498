"""How bookings are listed and exported (docs/api.md#bookings): the admin list's filters, sorts and
search, the consumer's and the vendor's own lists, and the `bookings` export."""
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from models.core.db import shallow
from models.core.errors import ValidationFailed
from models.core.exports import ExportSpec
from models.core.listing import Filter, ListSpec, any_of, equal_to, on_or_after, on_or_before
from models.core.money import MAXIMUM
from models.identity.user import User
from models.marketplace.booking import PAYMENT_STATUSES, STATUSES, Booking
from models.marketplace.service import Service
from models.vendors.vendor import Vendor


def money_bound(column, name: str, at_least: bool) -> Filter:
    """A filter `column >= value` (or `<=`) of a money query parameter; a bad number is 422 under `name`."""
    def where(value: str):
        try:
            amount = Decimal(str(value))
        except (InvalidOperation, ValueError):
            amount = None
        if amount is None or not amount.is_finite() or not 0 <= amount <= MAXIMUM:
            raise ValidationFailed(f"Invalid {name}", **{name: [f"must be a number from 0 to {MAXIMUM}"]})
        return column >= amount if at_least else column <= amount

    return Filter(str, where, description=f"amount {'at least' if at_least else 'at most'} this (a number)")


BOOKINGS = ListSpec(
    sortable={"created_at": Booking.created_at, "scheduled_at": Booking.scheduled_at, "amount": Booking.amount,
              "status": Booking.status, "booking_number": Booking.booking_number},
    default_sort="-created_at", id=Booking.id, ids_descending=True,
    filters={
        "status": any_of(Booking.status, STATUSES),
        "payment_status": any_of(Booking.payment_status, PAYMENT_STATUSES),
        "vendor_id": equal_to(Booking.vendor_id, description="of this vendor"),
        "user_id": equal_to(Booking.user_id, description="booked by this consumer"),
        "service_id": equal_to(Booking.service_id, description="of this service"),
        "date_from": on_or_after(Booking.scheduled_at, "scheduled on or after this day"),
        "date_to": on_or_before(Booking.scheduled_at, "scheduled on or before this day"),
        "created_from": on_or_after(Booking.created_at, "created on or after this day"),
        "created_to": on_or_before(Booking.created_at, "created on or before this day"),
        "min_amount": money_bound(Booking.amount, "min_amount", at_least=True),
        "max_amount": money_bound(Booking.amount, "max_amount", at_least=False),
    },
    search=(Booking.booking_number, User.name, User.email, Vendor.name),
)

# The consumer's and the vendor's own lists: the same sorts, fewer filters.
OWN_BOOKINGS = ListSpec(
    sortable=BOOKINGS.sortable, default_sort="-created_at", id=Booking.id, ids_descending=True,
    filters={name: BOOKINGS.filters[name] for name in ("status", "payment_status", "date_from", "date_to")},
    search=(Booking.booking_number,),
)


def rows():
    """The select of bookings as lists read them: with their consumer and vendor (for `q`) and service."""
    return (select(Booking).join(User, User.id == Booking.user_id).join(Vendor, Vendor.id == Booking.vendor_id)
            .options(*shallow(Booking)))


EXPORT = ExportSpec(
    resource="bookings", model=Booking, permission="bookings:manage",
    description="Marketplace bookings: number, status, payment status, consumer, vendor, service, when, amount",
    columns=[("id", Booking.id), ("booking_number", Booking.booking_number), ("status", Booking.status),
             ("payment_status", Booking.payment_status), ("scheduled_at", Booking.scheduled_at),
             ("duration_minutes", Booking.duration_minutes), ("amount", Booking.amount),
             ("currency", Booking.currency), ("user_id", Booking.user_id), ("user_name", User.name),
             ("user_email", User.email), ("vendor_id", Booking.vendor_id), ("vendor_name", Vendor.name),
             ("service_id", Booking.service_id), ("service_name", Service.name), ("address", Booking.address),
             ("city", Booking.city), ("cancellation_reason", Booking.cancellation_reason),
             ("cancelled_at", Booking.cancelled_at), ("completed_at", Booking.completed_at),
             ("created_at", Booking.created_at), ("updated_at", Booking.updated_at)],
    joins=[(User, User.id == Booking.user_id), (Vendor, Vendor.id == Booking.vendor_id),
           (Service, Service.id == Booking.service_id)],
    listing=BOOKINGS,
)

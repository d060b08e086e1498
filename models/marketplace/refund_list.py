"""The admin list of refunds and their export (docs/api.md#refunds): filters `status`, `booking_id`,
`vendor_id`, `date_from`/`date_to` (requested on), `min_amount`; `q` searches the booking number."""
from sqlalchemy import select

from models.core.exports import ExportSpec
from models.core.listing import ListSpec, any_of, contains, equal_to, on_or_after, on_or_before
from models.marketplace.booking import Booking
from models.marketplace.booking_list import money_bound
from models.marketplace.refund import STATUSES, Refund

REFUNDS = ListSpec(
    sortable={"created_at": Refund.created_at, "amount": Refund.amount, "status": Refund.status,
              "processed_at": Refund.processed_at, "booking_number": Booking.booking_number},
    default_sort="-created_at", id=Refund.id, ids_descending=True,
    filters={
        "status": any_of(Refund.status, STATUSES),
        "booking_id": equal_to(Refund.booking_id, description="of this booking"),
        "vendor_id": equal_to(Booking.vendor_id, description="of this vendor's bookings"),
        "date_from": on_or_after(Refund.created_at, "requested on or after"),
        "date_to": on_or_before(Refund.created_at, "requested on or before"),
        "min_amount": money_bound(Refund.amount, "min_amount", at_least=True),
    },
    search=(lambda pattern: contains(Booking.booking_number, pattern),),
)


def rows():
    """The select of refunds as the list reads them (with their booking, for its filters and `q`)."""
    return select(Refund).join(Booking, Booking.id == Refund.booking_id)


EXPORT = ExportSpec(
    resource="refunds", model=Refund, permission="bookings:manage",
    description="Marketplace refunds: booking, amount, status, who asked and approved, the provider's refund id",
    columns=[("id", Refund.id), ("booking_id", Refund.booking_id), ("booking_number", Booking.booking_number),
             ("payment_id", Refund.payment_id), ("amount", Refund.amount), ("currency", Refund.currency),
             ("reason", Refund.reason), ("status", Refund.status), ("requested_by_id", Refund.requested_by_id),
             ("approved_by_id", Refund.approved_by_id), ("approved_at", Refund.approved_at),
             ("rejected_reason", Refund.rejected_reason), ("failure_reason", Refund.failure_reason),
             ("provider_refund_id", Refund.provider_refund_id), ("processed_at", Refund.processed_at),
             ("created_at", Refund.created_at)],
    joins=[(Booking, Booking.id == Refund.booking_id)],
    listing=REFUNDS,
)

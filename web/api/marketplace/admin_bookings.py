"""Bookings as admins and support work them (docs/api.md#bookings)."""
from flask import g
from flask.views import MethodView

from models.core.tenancy import get_or_404
from models.marketplace import booking_admin
from models.marketplace.booking import Booking
from models.marketplace.booking_list import BOOKINGS, rows
from web.api.marketplace.bookings import Detail
from web.auth import requires
from web.conventions import count_cache
from web.conventions.envelope import Blueprint
from web.conventions.listing import paginate
from web.conventions.openapi import conflicts, refused_beyond_schema
from web.schemas.marketplace.bookings import (AdminBookingPatchSchema, BookingItemSchema, BookingListArgsSchema,
                                              BookingSchema)

count_cache.cache_counts_of(Booking)  # a page's total is counted once per change, not per view
blp = Blueprint("admin_bookings", __name__, url_prefix="/api/v1/admin/bookings",
                description="Every booking of the organization: find, read, move, cancel with a refund, annotate")


@blp.route("")
class AdminBookings(MethodView):
    @requires("bookings:manage")
    @blp.arguments(BookingListArgsSchema, location="query")
    @blp.paginated(BookingItemSchema)
    @refused_beyond_schema("`min_amount` and `max_amount` must be numbers from 0 to 9999999999.99")
    def get(self, args):
        """List bookings.

        Filters: `status` (a comma list), `payment_status`, `vendor_id`, `user_id`, `service_id`,
        `date_from`/`date_to` (the scheduled day), `created_from`/`created_to`, `min_amount`, `max_amount`;
        `q` searches the booking number, the consumer's name and email and the vendor's name. Sorts:
        `created_at` (default `-created_at`), `scheduled_at`, `amount`, `status`, `booking_number`."""
        return paginate(rows(), args, BOOKINGS)


@blp.route("/<int:booking_id>")
class AdminBooking(MethodView):
    @requires("bookings:manage")
    @blp.response(200, BookingSchema)
    def get(self, booking_id):
        """One booking, in detail: payment, refunds, notes and history."""
        return Detail(get_or_404(Booking, booking_id, "Booking"))

    @requires("bookings:manage")
    @blp.arguments(AdminBookingPatchSchema)
    @blp.response(200, BookingSchema)
    @conflicts("The move is not allowed (INVALID_TRANSITION, `details.allowed`), the booking can no longer be "
               "rescheduled (CONFLICT), or `version` is stale (VERSION_CONFLICT)")
    @refused_beyond_schema("`status: cancelled` needs a `reason`; `refund` only with `status: cancelled` and at most "
                           "what is still refundable (`details.amount`); `reason` only with `status`; `scheduled_at` "
                           "in the future")
    def patch(self, body, booking_id):
        """Change a booking.

        In one transaction, all or nothing: `status` moves it (`reason` required to cancel); `refund`
        (`{amount?, reason?}`, only when cancelling) requests a refund of up to what is still refundable
        (default: all of it), approved at once and executed by a `refund` job when the caller also holds
        `refunds:approve`; `note` appends an admin note; `scheduled_at` reschedules a pending or confirmed
        booking; `version` refuses a stale write (409 VERSION_CONFLICT). Audited; `booking.updated` follows a
        move."""
        booking = get_or_404(Booking, booking_id, "Booking")
        return Detail(booking_admin.apply_admin_changes(booking, body, actor_id=g.user.id,
                                                        permissions=g.permissions))

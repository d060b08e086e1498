"""A vendor's bookings, read-only (docs/api.md#bookings)."""
from flask import g
from flask.views import MethodView

from models.marketplace import booking_admin
from models.marketplace.booking import Booking
from models.marketplace.booking_list import OWN_BOOKINGS, rows
from web.api.marketplace.bookings import Detail
from web.auth import requires
from web.conventions.envelope import Blueprint
from web.conventions.listing import paginate
from web.schemas.marketplace.bookings import BookingItemSchema, BookingSchema, OwnBookingListArgsSchema

blp = Blueprint("vendor_bookings", __name__, url_prefix="/api/v1/vendor/bookings",
                description="The bookings of the vendor one acts for")


@blp.route("")
class VendorBookings(MethodView):
    @requires("vendor:access")
    @blp.arguments(OwnBookingListArgsSchema, location="query")
    @blp.paginated(BookingItemSchema)
    def get(self, args):
        """List one's vendor's bookings.

        Filters `status`, `payment_status`, `date_from`/`date_to` (scheduled day); `q` the number. An account
        linked to no vendor has none."""
        return paginate(rows().where(Booking.vendor_id == g.user.vendor_id), args, OWN_BOOKINGS)


@blp.route("/<int:booking_id>")
class VendorBooking(MethodView):
    @requires("vendor:access")
    @blp.response(200, BookingSchema)
    def get(self, booking_id):
        """One of one's vendor's bookings (another vendor's is 404)."""
        return Detail(booking_admin.own_booking(booking_id, vendor_id=g.user.vendor_id or 0))

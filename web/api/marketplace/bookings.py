"""A consumer's own bookings (docs/api.md#bookings): book a service, list and read one's bookings,
cancel one. Paying is web/api/marketplace/booking_payments.py, reviewing web/api/marketplace/reviews.py."""
from flask import g
from flask.views import MethodView

from models.marketplace import booking as bookings
from models.marketplace import booking_admin
from models.marketplace.booking import Booking
from models.marketplace.booking_list import OWN_BOOKINGS, rows
from web.auth import requires
from web.conventions.envelope import Blueprint, created
from web.conventions.listing import paginate
from web.conventions.openapi import conflicts, refused_beyond_schema
from web.schemas.marketplace.bookings import (BookingInputSchema, BookingItemSchema, BookingSchema, CancelInputSchema,
                                              OwnBookingListArgsSchema)

blp = Blueprint("bookings", __name__, url_prefix="/api/v1/bookings", description="A consumer's own bookings")


class Detail:
    """A booking with the parts of its detail (models.marketplace.booking_admin.detail_of)."""

    def __init__(self, booking: Booking):
        self.booking, self.parts = booking, booking_admin.detail_of(booking)

    def __getattr__(self, name):
        parts = self.__dict__["parts"]
        return parts[name] if name in parts else getattr(self.__dict__["booking"], name)


@blp.route("")
class OwnBookings(MethodView):
    @requires("portal:access")
    @blp.arguments(OwnBookingListArgsSchema, location="query")
    @blp.paginated(BookingItemSchema)
    def get(self, args):
        """List one's bookings.

        Filters `status`, `payment_status` (comma lists), `date_from`/`date_to` (scheduled day); `q` the number."""
        return paginate(rows().where(Booking.user_id == g.user.id), args, OWN_BOOKINGS)

    @requires("portal:access")
    @blp.arguments(BookingInputSchema)
    @blp.response(201, BookingSchema)
    @refused_beyond_schema("`service_id` must name an active service of an active vendor; `scheduled_at` must be "
                           "in the future")
    def post(self, body):
        """Book a service.

        `pending`, at the service's price and duration, numbered BKG-YYYY-NNNN."""
        booking = bookings.book(body["service_id"], g.user.id, body)
        return created(Detail(booking), f"{blp.url_prefix}/{booking.id}")


@blp.route("/<int:booking_id>")
class OwnBooking(MethodView):
    @requires("portal:access")
    @blp.response(200, BookingSchema)
    def get(self, booking_id):
        """One of one's bookings (another's is 404)."""
        return Detail(booking_admin.own_booking(booking_id, user_id=g.user.id))


@blp.route("/<int:booking_id>/cancel")
class CancelOwnBooking(MethodView):
    @requires("portal:access")
    @blp.arguments(CancelInputSchema)
    @blp.response(200, BookingSchema)
    @conflicts("Only a pending or confirmed booking is cancelled by its consumer", transition=True)
    def post(self, body, booking_id):
        """Cancel one's booking.

        While `pending` or `confirmed`. A paid booking gets a refund of the whole paid amount, `requested`
        (an admin approves it; one is notified when it is made)."""
        booking = booking_admin.own_booking(booking_id, user_id=g.user.id)
        return Detail(booking_admin.cancel_by_consumer(booking, reason=body["reason"], actor_id=g.user.id))

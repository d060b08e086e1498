"""Paying one's booking (docs/api.md#marketplace)."""
from flask import current_app, g
from flask.views import MethodView

from models.core.errors import NotFound
from models.core.tenancy import get_or_404
from models.integrations import registry
from models.marketplace import paying
from models.marketplace.booking import Booking
from web.auth import requires
from web.conventions.envelope import Blueprint
from web.conventions.openapi import conflicts
from web.schemas.marketplace.payments import BookingPaidSchema, PayInputSchema

blp = Blueprint("booking_payments", __name__, url_prefix="/api/v1/bookings",
                description="A consumer's payment of their booking")


@blp.route("/<int:booking_id>/pay")
class BookingPay(MethodView):
    @requires("portal:access")
    @blp.arguments(PayInputSchema)
    @blp.response(200, BookingPaidSchema)
    @blp.doc(responses={402: "PaymentDeclined"})
    @conflicts("The booking is paid already, or cancelled")
    def post(self, body, booking_id):
        """Pay one's booking.

        Charged through the payment provider once: a retried request charges the same payment again
        (its idempotency key is the payment's), never twice. A declined charge is 402 PAYMENT_DECLINED:
        the booking stays unpaid and the declined payment is kept `failed`; paying again is a new attempt.
        The provider unavailable is 503 (the payment stays pending for the next request to complete)."""
        booking = get_or_404(Booking, booking_id, "Booking")
        if booking.user_id != g.user.id:
            raise NotFound(f"Booking {booking_id} not found")
        payment = paying.pay(booking, method=body["method"], token=body["payment_token"],
                             provider=registry.payment_provider(current_app.config))
        return {"booking": booking, "payment": payment}

"""A consumer's review of their completed booking (docs/api.md#reviews)."""
from flask import g
from flask.views import MethodView

from models.marketplace import moderation
from web.auth import requires
from web.conventions.envelope import Blueprint, created
from web.conventions.openapi import conflicts, refused_beyond_schema
from web.schemas.marketplace.reviews import ReviewInputSchema, ReviewSchema

blp = Blueprint("booking_reviews", __name__, url_prefix="/api/v1/bookings",
                description="Consumers' reviews of their completed bookings")


@blp.route("/<int:booking_id>/review")
class BookingReview(MethodView):
    @requires("portal:access")
    @blp.arguments(ReviewInputSchema)
    @blp.response(201, ReviewSchema)
    @conflicts("The booking is not completed, or has been reviewed already")
    @blp.doc(responses={"404": {"description": "No such booking of the caller's"}})
    @refused_beyond_schema("the booking must be the caller's own", status=404)
    def post(self, body, booking_id):
        """Review a completed booking.

        Once per booking, by the consumer who booked it (another's booking is 404), after it is
        completed (409 before, and on a second review). The review is `published` at once and counts
        in the vendor's rating."""
        review = moderation.create_review(booking_id, body, author_id=g.user.id)
        return created(review, f"/api/v1/admin/reviews/{review.id}")

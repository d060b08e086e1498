"""Moderating reviews: the list, one review with its trail, hide, remove, restore (docs/api.md#reviews)."""
from flask import g
from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import undefer

from models.core.tenancy import get_or_404
from models.marketplace import moderation
from models.marketplace.review import Review
from models.marketplace.review_list import REVIEWS
from web.auth import requires
from web.conventions.envelope import Blueprint
from web.conventions.listing import paginate
from web.conventions.openapi import conflicts
from web.schemas.listing import list_args_schema
from web.schemas.marketplace.reviews import ModerationInputSchema, ReviewItemSchema, ReviewSchema

blp = Blueprint("admin_reviews", __name__, url_prefix="/api/v1/admin/reviews",
                description="Moderation of marketplace reviews")
ReviewListArgs = list_args_schema(REVIEWS, "ReviewListArgsSchema")


def _review(review_id: int) -> Review:
    return get_or_404(Review, review_id, "Review", options=(undefer(Review.open_takedown_requests),))


@blp.route("")
class Reviews(MethodView):
    @requires("reviews:moderate")
    @blp.arguments(ReviewListArgs, location="query")
    @blp.paginated(ReviewItemSchema)
    def get(self, args):
        """List reviews.

        Filters: `status` (comma list), `vendor_id`, `rating`, `min_rating`, `max_rating`,
        `has_open_takedown` (true/false); `q` searches title and body. Newest first by default."""
        return paginate(select(Review).options(undefer(Review.open_takedown_requests)), args, REVIEWS)


@blp.route("/<int:review_id>")
class ReviewDetail(MethodView):
    @requires("reviews:moderate")
    @blp.response(200, ReviewSchema)
    def get(self, review_id):
        """One review.

        With its moderation trail (oldest first) and how many takedown requests of it are open."""
        return _review(review_id)


def _moderation_route(action: str, summary: str, description: str):
    class Moderate(MethodView):
        @requires("reviews:moderate")
        @blp.arguments(ModerationInputSchema)
        @blp.response(200, ReviewSchema)
        @conflicts("The review's status does not allow this move (`details.allowed`)", transition=True)
        def post(self, body, review_id):
            moderation.moderate(_review(review_id), action, body["reason"], actor_id=g.user.id)
            return _review(review_id)

    Moderate.post.__doc__ = f"{summary}\n\n{description}"
    Moderate.__name__ = Moderate.__qualname__ = f"Review{action.title()}"
    Moderate.post.__qualname__ = f"Review{action.title()}.post"
    blp.route(f"/<int:review_id>/{action}", endpoint=f"review_{action}")(Moderate)


_moderation_route("hide", "Hide a review.", "From published: hidden from the public, out of the vendor's rating; "
                  "`reason` required. The author is notified.")
_moderation_route("remove", "Remove a review.", "From published or hidden: removed, out of the vendor's rating; "
                  "`reason` required. The author is notified.")
_moderation_route("restore", "Restore a review.", "From hidden or removed: published again, back in the vendor's "
                  "rating; `reason` required.")

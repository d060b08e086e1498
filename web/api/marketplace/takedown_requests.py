"""The moderators' queue of takedown requests: list, detail, take on, resolve, evidence files
(docs/api.md#takedown-requests)."""
from flask import g
from flask.views import MethodView
from sqlalchemy import select

from models.core.tenancy import get_or_404
from models.marketplace import evidence, moderation
from models.marketplace.review_list import queue
from models.marketplace.takedown import TakedownRequest
from web.auth import requires
from web.conventions import file_links
from web.conventions.envelope import Blueprint
from web.conventions.listing import paginate
from web.conventions.openapi import conflicts
from web.schemas.listing import list_args_schema
from web.schemas.marketplace.takedowns import ResolveInputSchema, TakedownRequestSchema

blp = Blueprint("admin_takedown_requests", __name__, url_prefix="/api/v1/admin/reviews/takedown-requests",
                description="Vendors' takedown requests, for moderators")
QueueArgs = list_args_schema(queue(), "TakedownQueueArgsSchema")
FILE = {"description": "The evidence file, as an attachment, in its recognised type", "content": {
    content_type: {"schema": {"type": "string", "format": "binary"}} for content_type in evidence.ACCEPTED}}


def _request(request_id: int) -> TakedownRequest:
    return get_or_404(TakedownRequest, request_id, "Takedown request")


@blp.route("")
class TakedownQueue(MethodView):
    @requires("reviews:moderate")
    @blp.arguments(QueueArgs, location="query")
    @blp.paginated(TakedownRequestSchema)
    def get(self, args):
        """List takedown requests.

        Filters `status`, `priority` (the shown one: a level above the filed one after 72 h pending),
        `reason_category`, `vendor_id`. Default order: shown priority, highest first, then oldest first."""
        return paginate(select(TakedownRequest), args, queue())


@blp.route("/<int:request_id>")
class TakedownDetail(MethodView):
    @requires("reviews:moderate")
    @blp.response(200, TakedownRequestSchema)
    def get(self, request_id):
        """One takedown request.

        With its review and its evidence files (each with its download `url`)."""
        return _request(request_id)


@blp.route("/<int:request_id>/start-review")
class StartReview(MethodView):
    @requires("reviews:moderate")
    @blp.response(200, TakedownRequestSchema)
    @conflicts("Only a pending request is taken on (`details.allowed`)", transition=True)
    def post(self, request_id):
        """Take on a takedown request.

        From pending: under_review, assigned to the caller."""
        return moderation.start_review(_request(request_id), actor_id=g.user.id)


@blp.route("/<int:request_id>/resolve")
class Resolve(MethodView):
    @requires("reviews:moderate")
    @blp.arguments(ResolveInputSchema)
    @blp.response(200, TakedownRequestSchema)
    @conflicts("Only a pending or under-review request is resolved (`details.allowed`), or the review's status "
               "does not allow the action", transition=True)
    def post(self, body, request_id):
        """Accept or reject a takedown request.

        `reason` required. Accepting applies `action` (default `hide`) to the review, with a moderation
        entry naming the request; rejecting takes none. The vendor is notified of the decision and reason,
        the review's author when their review is hidden or removed."""
        return moderation.resolve(_request(request_id), body, actor_id=g.user.id)


@blp.route("/<int:request_id>/evidence/<int:evidence_id>")
class EvidenceFile(MethodView):
    @requires("reviews:moderate")
    @blp.response(200)
    @blp.doc(responses={"200": FILE})
    def get(self, request_id, evidence_id):
        """Download an evidence file.

        As an attachment, in the type recognised from its bytes, never sniffed by the browser."""
        return file_links.send(evidence.served_file(_request(request_id), evidence_id), attachment=True)

"""A vendor's reviews and its takedown requests: file (JSON, or multipart with evidence), list,
withdraw, download its evidence (docs/api.md#takedown-requests)."""
import marshmallow as ma
from flask import g, request
from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import undefer

from models.core.errors import ValidationFailed
from models.marketplace import evidence, moderation
from models.marketplace.review import Review
from models.marketplace.review_list import REVIEWS, queue
from models.marketplace.takedown import TakedownRequest
from web.auth import requires
from web.conventions import bodies, file_links
from web.conventions.envelope import Blueprint, created
from web.conventions.listing import paginate
from web.conventions.openapi import conflicts, refused_beyond_schema
from web.schemas.listing import list_args_schema
from web.schemas.marketplace.reviews import ReviewItemSchema
from web.schemas.marketplace.takedowns import TakedownInputSchema, TakedownUploadSchema, VendorTakedownRequestSchema

blp = Blueprint("vendor_reviews", __name__, url_prefix="/api/v1/vendor",
                description="A vendor's reviews and takedown requests")
VendorReviewArgs = list_args_schema(REVIEWS, "VendorReviewListArgsSchema")
VendorTakedownArgs = list_args_schema(queue(), "VendorTakedownListArgsSchema")
FILE = {"description": "The evidence file, as an attachment, in its recognised type", "content": {
    content_type: {"schema": {"type": "string", "format": "binary"}} for content_type in evidence.ACCEPTED}}
BODY = {"required": True, "content": {"application/json": {"schema": TakedownInputSchema},
                                      "multipart/form-data": {"schema": TakedownUploadSchema}}}


def _vendor_id():
    return g.user.vendor_id


def _takedown_body() -> tuple[dict, list]:
    """The fields (and, for multipart, the `evidence` files) of a takedown request's body."""
    if request.mimetype == "multipart/form-data":
        files = request.files.getlist("evidence")
        unknown = sorted(set(request.files) - {"evidence"})
        data, raw = request.form, request.form
    else:
        bodies.require_json()
        files, unknown, raw = [], [], request.get_json(silent=True)
        if not isinstance(raw, dict):
            raise ValidationFailed("The body must be a JSON object", _schema=["expected an object"])
        data = raw
    if unknown:
        raise ValidationFailed("Unknown fields", **{name: ["Unknown field."] for name in unknown})
    try:
        return TakedownInputSchema().load(data), [f for f in files if f.filename or f.content_length]
    except ma.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        raise ValidationFailed("The request has invalid fields", **messages) from None


@blp.route("/reviews")
class VendorReviews(MethodView):
    @requires("vendor:access")
    @blp.arguments(VendorReviewArgs, location="query")
    @blp.paginated(ReviewItemSchema)
    def get(self, args):
        """List the vendor's reviews.

        Only the caller's vendor's, with the admin list's filters and `q`."""
        stmt = select(Review).options(undefer(Review.open_takedown_requests)).where(Review.vendor_id == _vendor_id())
        return paginate(stmt, args, REVIEWS)


@blp.route("/reviews/<int:review_id>/takedown-requests")
class ReviewTakedowns(MethodView):
    @requires("vendor:access")
    @blp.doc(requestBody=BODY)
    @blp.response(201, VendorTakedownRequestSchema)
    @conflicts("The review has an open takedown request already")
    @blp.doc(responses={"404": {"description": "No such review of the caller's vendor"},
                        "413": {"description": "An evidence file is larger than 10 MB"},
                        "415": {"description": "An evidence file is not JPEG, PNG, WebP, PDF or plain text "
                                               "(judged by its bytes)"}})
    @refused_beyond_schema("the evidence files' type is judged by their bytes", status=415)
    @refused_beyond_schema("at most 5 evidence files")
    def post(self, review_id):
        """Ask for a review's takedown.

        JSON `{reason_category, description}`, or multipart/form-data with those fields and up to 5
        `evidence` files (each at most 10 MB; JPEG, PNG, WebP, PDF or plain text, recognised from the
        content). One open request per review. Its priority comes from the reason and evidence."""
        fields, files = _takedown_body()
        review = moderation.vendor_review(review_id, _vendor_id())
        row = moderation.file_takedown(review, fields, files, actor_id=g.user.id)
        return created(row, f"/api/v1/vendor/takedown-requests/{row.id}")


@blp.route("/takedown-requests")
class VendorTakedowns(MethodView):
    @requires("vendor:access")
    @blp.arguments(VendorTakedownArgs, location="query")
    @blp.paginated(VendorTakedownRequestSchema)
    def get(self, args):
        """List the vendor's takedown requests.

        Only the caller's vendor's; filters `status`, `priority` (as shown), `reason_category`;
        highest shown priority first, then the oldest."""
        stmt = select(TakedownRequest).where(TakedownRequest.vendor_id == _vendor_id())
        return paginate(stmt, args, queue())


@blp.route("/takedown-requests/<int:request_id>/withdraw")
class WithdrawTakedown(MethodView):
    @requires("vendor:access")
    @blp.response(200, VendorTakedownRequestSchema)
    @conflicts("Only a pending or under-review request is withdrawn (`details.allowed`)", transition=True)
    def post(self, request_id):
        """Withdraw a takedown request.

        The vendor's own, while pending or under review."""
        return moderation.withdraw(moderation.vendor_request(request_id, _vendor_id()))


@blp.route("/takedown-requests/<int:request_id>/evidence/<int:evidence_id>")
class VendorEvidenceFile(MethodView):
    @requires("vendor:access")
    @blp.response(200)
    @blp.doc(responses={"200": FILE})
    def get(self, request_id, evidence_id):
        """Download an evidence file of the vendor's request.

        As an attachment, in the type recognised from its bytes, never sniffed by the browser."""
        takedown = moderation.vendor_request(request_id, _vendor_id())
        return file_links.send(evidence.served_file(takedown, evidence_id), attachment=True)

"""Takedown requests and their evidence (docs/api.md#takedown-requests)."""
import marshmallow as ma
from flask_smorest.fields import Upload

from models.core.db import utcnow
from models.marketplace.takedown import DECISIONS, EVIDENCE_KINDS, PRIORITIES, REASON_CATEGORIES, STATUSES
from models.marketplace.takedown_priority import shown_priority
from web.schemas.common import InputSchema, Text, UTCDateTime
from web.schemas.marketplace.reviews import Ref

Str, Int = ma.fields.String, ma.fields.Integer
EVIDENCE_URL = "/api/v1/admin/reviews/takedown-requests/{request_id}/evidence/{evidence_id}"
VENDOR_EVIDENCE_URL = "/api/v1/vendor/takedown-requests/{request_id}/evidence/{evidence_id}"


class EvidenceSchema(ma.Schema):
    id = Int()
    filename = Str(metadata={"description": "As uploaded (display only)"})
    content_type = Str(metadata={"description": "Recognised from the bytes"})
    size = Int()
    kind = Str(validate=ma.validate.OneOf(EVIDENCE_KINDS))
    url = Str(metadata={"description": "Where the file downloads (bearer-authenticated: moderators and the "
                                       "requesting vendor)"})

    URL = EVIDENCE_URL

    def get_attribute(self, obj, attr, default):
        if attr == "url":
            return self.URL.format(request_id=obj.request_id, evidence_id=obj.id)
        return super().get_attribute(obj, attr, default)


class VendorEvidenceSchema(EvidenceSchema):
    """The vendor's view: `url` is the vendor's own download route (the moderators' one is refused to it)."""
    URL = VENDOR_EVIDENCE_URL


class ReviewBriefSchema(ma.Schema):
    id = Int()
    rating = Int()
    title = Str(allow_none=True)
    body = Str(allow_none=True)
    status = Str()
    author = Ref()


class ResolutionSchema(ma.Schema):
    decision = Str(validate=ma.validate.OneOf(DECISIONS))
    action = Str(attribute="resolution_action", validate=ma.validate.OneOf(("hide", "remove", "none")))
    reason = Str(attribute="resolution_reason")
    resolved_by = Ref()
    resolved_at = UTCDateTime()


class TakedownRequestSchema(ma.Schema):
    id = Int()
    review = ma.fields.Nested(ReviewBriefSchema)
    vendor = Ref()
    requested_by = Ref()
    reason_category = Str(validate=ma.validate.OneOf(REASON_CATEGORIES))
    description = Str(allow_none=True)
    evidence = ma.fields.List(ma.fields.Nested(EvidenceSchema))
    priority = Str(validate=ma.validate.OneOf(PRIORITIES), metadata={
        "description": "As shown: a level above the filed one after 72 h pending"})
    status = Str(validate=ma.validate.OneOf(STATUSES))
    assigned_to = Ref()
    resolution = ma.fields.Nested(ResolutionSchema, allow_none=True)
    created_at = UTCDateTime()
    updated_at = UTCDateTime()

    def get_attribute(self, obj, attr, default):
        if attr == "priority":
            return shown_priority(obj, utcnow())
        if attr == "resolution":
            return obj if obj.decision else None
        return super().get_attribute(obj, attr, default)


class VendorTakedownRequestSchema(TakedownRequestSchema):
    """A takedown request as its vendor reads it: the same, with evidence links the vendor may follow."""
    evidence = ma.fields.List(ma.fields.Nested(VendorEvidenceSchema))


class TakedownInputSchema(InputSchema):
    """JSON, or multipart/form-data with the same fields and up to 5 `evidence` files."""
    reason_category = Str(required=True, validate=ma.validate.OneOf(REASON_CATEGORIES))
    description = Text(5000, allow_none=True)


class TakedownUploadSchema(TakedownInputSchema):
    evidence = ma.fields.List(Upload(), metadata={"description": "Up to 5 files, each at most 10 MB: JPEG, PNG, "
                                                                  "WebP, PDF or plain text, judged by the bytes"})


class ResolveInputSchema(InputSchema):
    decision = Str(required=True, validate=ma.validate.OneOf(DECISIONS))
    reason = Str(required=True, validate=ma.validate.Length(min=1, max=2000))
    action = Str(validate=ma.validate.OneOf(("hide", "remove")))

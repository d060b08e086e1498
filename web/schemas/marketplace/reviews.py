"""Reviews and their moderation (docs/api.md#reviews)."""
import marshmallow as ma

from models.marketplace.review import ACTIONS, STATUSES
from web.schemas.common import InputSchema, Text, UTCDateTime

Str, Int = ma.fields.String, ma.fields.Integer


class NamedRowSchema(ma.Schema):
    """A row named: `{id, name}`."""
    id = Int()
    name = Str()


def Ref(**kwargs):
    return ma.fields.Nested(NamedRowSchema, allow_none=True, **kwargs)


class ModerationEntrySchema(ma.Schema):
    action = Str(validate=ma.validate.OneOf(tuple(ACTIONS)))
    reason = Str()
    actor = Ref()
    takedown_request_id = Int(allow_none=True, metadata={"description": "The takedown request it resolved, if any"})
    created_at = UTCDateTime()


class ReviewItemSchema(ma.Schema):
    id = Int()
    booking_id = Int()
    vendor = Ref()
    author = Ref()
    rating = Int(metadata={"minimum": 1, "maximum": 5})
    title = Str(allow_none=True)
    body = Str(allow_none=True)
    status = Str(validate=ma.validate.OneOf(STATUSES))
    open_takedown_requests = Int(metadata={"description": "Its pending or under-review takedown requests"})
    created_at = UTCDateTime()


class ReviewSchema(ReviewItemSchema):
    moderation = ma.fields.List(ma.fields.Nested(ModerationEntrySchema), metadata={"description": "Oldest first"})


class ReviewInputSchema(InputSchema):
    rating = Int(required=True, validate=ma.validate.Range(1, 5))
    title = Text(200, allow_none=True)
    body = Text(5000, allow_none=True)


class ModerationInputSchema(InputSchema):
    reason = Str(required=True, validate=ma.validate.Length(min=1, max=1000))

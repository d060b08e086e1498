"""Issues (docs/api.md#crm)."""
import marshmallow as ma

from models.crm.issue import CATEGORIES, PRIORITIES, STATUSES
from web.schemas.common import InputSchema, Text, UTCDateTime
from web.schemas.crm import CrmItemSchema, LinkId, LinkName, Ref

Str, Int = ma.fields.String, ma.fields.Integer


class IssueItemSchema(CrmItemSchema):
    issue_number = Str(metadata={"description": "ISS-YYYY-NNNN, per organization and year; read-only"})
    title = Str()
    priority = Str(validate=ma.validate.OneOf(PRIORITIES))
    category = Str(validate=ma.validate.OneOf(CATEGORIES))
    status = Str(validate=ma.validate.OneOf(STATUSES))
    vendor_id = Int()
    vendor_name = LinkName("vendor")
    order_id = Int(allow_none=True)
    order_number = Str(allow_none=True, attribute="order.order_number")
    assigned_to_id = Int(allow_none=True)
    assigned_to_name = LinkName("assigned_to")
    resolved_by_id = Int(allow_none=True)
    resolved_at = UTCDateTime(allow_none=True)
    updated_at = UTCDateTime()


class IssueSchema(IssueItemSchema):
    description = Str(allow_none=True)
    resolution_notes = Str(allow_none=True)
    vendor = Ref()
    order = Ref(metadata={"description": "its name is the order number"})
    assigned_to = Ref()
    created_by = Ref()
    resolved_by = Ref()


class IssueInputSchema(InputSchema):
    """Every writable field (POST, and PUT: a missing optional one is cleared)."""
    title = Str(required=True, validate=ma.validate.Length(min=1, max=200))
    description = Text(10000, allow_none=True, load_default=None)
    priority = Str(load_default="medium", validate=ma.validate.OneOf(PRIORITIES))
    category = Str(load_default="other", validate=ma.validate.OneOf(CATEGORIES))
    status = Str(load_default="open", validate=ma.validate.OneOf(STATUSES),
                 metadata={"description": "`resolved` records who and when, as POST /issues/{id}/resolve does; "
                                          "back to open or in_progress clears them"})
    vendor_id = LinkId(required=True, data_key="vendor", metadata={"description": "a vendor of the organization"})
    order_id = LinkId(allow_none=True, load_default=None, data_key="order", metadata={"description": "an order of the organization"})
    assigned_to_id = LinkId(allow_none=True, load_default=None, data_key="assigned_to",
                            metadata={"description": "a user of the organization"})
    resolution_notes = Text(10000, allow_none=True, load_default=None)


class ResolveSchema(InputSchema):
    resolution_notes = Text(10000, allow_none=True, metadata={"description": "how it was resolved"})


class IssueStatsSchema(ma.Schema):
    total = Int()
    by_status = ma.fields.Dict(keys=Str(validate=ma.validate.OneOf(STATUSES)), values=Int())
    by_priority = ma.fields.Dict(keys=Str(validate=ma.validate.OneOf(PRIORITIES)), values=Int())
    by_category = ma.fields.Dict(keys=Str(validate=ma.validate.OneOf(CATEGORIES)), values=Int())

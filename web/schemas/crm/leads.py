"""Leads (docs/api.md#crm)."""
import marshmallow as ma

from models.crm.lead import SETTABLE_STATUSES, SOURCES, STATUSES
from web.schemas.common import Email, InputSchema, Money, Text, UTCDateTime
from web.schemas.crm import CrmItemSchema, LinkId, LinkName, Ref
from web.schemas.crm.deals import DealSchema

Str, Int = ma.fields.String, ma.fields.Integer


class LeadItemSchema(CrmItemSchema):
    name = Str()
    company = Str(allow_none=True)
    email = Str(allow_none=True)
    phone = Str(allow_none=True)
    source = Str(validate=ma.validate.OneOf(SOURCES))
    status = Str(validate=ma.validate.OneOf(STATUSES))
    value = Money(allow_none=True)
    assigned_to_id = Int(allow_none=True)
    assigned_to_name = LinkName("assigned_to")
    updated_at = UTCDateTime()


class LeadSchema(LeadItemSchema):
    assigned_to = Ref()
    created_by = Ref()
    notes = Str(allow_none=True)
    currency = Str(metadata={"description": "the organization's currency, of `value`"})


class LeadInputSchema(InputSchema):
    """Every writable field (POST, and PUT: a missing optional one is cleared)."""
    name = Str(required=True, validate=ma.validate.Length(min=1, max=200))
    company = Text(200, allow_none=True, load_default=None)
    email = Email(allow_none=True, load_default=None)
    phone = Text(40, allow_none=True, load_default=None)
    source = Str(load_default="other", validate=ma.validate.OneOf(SOURCES))
    status = Str(load_default="new", validate=ma.validate.OneOf(SETTABLE_STATUSES),
                 metadata={"description": "`converted` only by POST /leads/{id}/convert"})
    value = Money(allow_none=True, load_default=None)
    assigned_to_id = LinkId(allow_none=True, load_default=None, data_key="assigned_to",
                            metadata={"description": "a user of the organization"})
    notes = Text(5000, allow_none=True, load_default=None)


class ConvertSchema(InputSchema):
    title = Str(validate=ma.validate.Length(min=1, max=200),
                metadata={"description": "the deal's title (default: the lead's company, else its name)"})


class ConversionSchema(ma.Schema):
    deal = ma.fields.Nested(DealSchema)
    customer_id = Int(attribute="customer.id")

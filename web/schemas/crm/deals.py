"""Deals (docs/api.md#crm)."""
import marshmallow as ma

from models.crm.deal import STAGES
from web.schemas.common import InputSchema, Money, UTCDateTime
from web.schemas.crm import CrmItemSchema, LinkId, LinkName, Ref

Str, Int = ma.fields.String, ma.fields.Integer


class DealItemSchema(CrmItemSchema):
    title = Str()
    customer_id = Int(allow_none=True)
    customer_name = LinkName("customer")
    lead_id = Int(allow_none=True)
    lead_name = LinkName("lead")
    value = Money(allow_none=True)
    currency = Str()
    stage = Str(validate=ma.validate.OneOf(STAGES))
    expected_close_date = ma.fields.Date(allow_none=True)
    assigned_to_id = Int(allow_none=True)
    assigned_to_name = LinkName("assigned_to")
    updated_at = UTCDateTime()


class DealSchema(DealItemSchema):
    customer = Ref()
    lead = Ref()
    assigned_to = Ref()
    created_by = Ref()


class DealInputSchema(InputSchema):
    """Every writable field (POST, and PUT: a missing optional one is cleared)."""
    title = Str(required=True, validate=ma.validate.Length(min=1, max=200))
    customer_id = LinkId(allow_none=True, load_default=None, data_key="customer",
                         metadata={"description": "a customer of the organization"})
    lead_id = LinkId(allow_none=True, load_default=None, data_key="lead",
                     metadata={"description": "a lead of the organization"})
    value = Money(allow_none=True, load_default=None)
    stage = Str(load_default="prospecting", validate=ma.validate.OneOf(STAGES))
    expected_close_date = ma.fields.Date(allow_none=True, load_default=None)
    assigned_to_id = LinkId(allow_none=True, load_default=None, data_key="assigned_to",
                            metadata={"description": "a user of the organization"})

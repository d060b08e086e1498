"""Payments (docs/api.md#crm)."""
from decimal import Decimal

import marshmallow as ma

from models.crm.payment import METHODS, STATUSES, TYPES
from web.schemas.common import InputSchema, Money, Text, UTCDateTime
from web.schemas.crm import CrmItemSchema, LinkId, LinkName, Ref

Str, Int = ma.fields.String, ma.fields.Integer
CENT = Decimal("0.01")


class PaymentItemSchema(CrmItemSchema):
    payment_number = Str()
    amount = Money()
    currency = Str()
    payment_date = ma.fields.Date(allow_none=True)
    due_date = ma.fields.Date(allow_none=True)
    payment_type = Str(validate=ma.validate.OneOf(TYPES))
    payment_method = Str(validate=ma.validate.OneOf(METHODS))
    status = Str(validate=ma.validate.OneOf(STATUSES))
    invoice_number = Str(allow_none=True)
    reference_number = Str(allow_none=True)
    transaction_id = Str(allow_none=True)
    order_id = Int(allow_none=True)
    order_number = LinkName("order")
    vendor_id = Int(allow_none=True)
    vendor_name = LinkName("vendor")
    customer_id = Int(allow_none=True)
    customer_name = LinkName("customer")
    processed_by_id = Int(allow_none=True)
    processed_at = UTCDateTime(allow_none=True)
    updated_at = UTCDateTime()


class PaymentSchema(PaymentItemSchema):
    order = Ref(metadata={"description": "its name is the order number"})
    vendor = Ref()
    customer = Ref()
    processed_by = Ref()
    created_by = Ref()
    failure_reason = Str(allow_none=True)
    notes = Str(allow_none=True)


class PaymentInputSchema(InputSchema):
    """Every writable field (POST, and PUT: a missing optional one is cleared)."""
    amount = Money(required=True, validate=ma.validate.Range(min=CENT), metadata={"minimum": 0.01})
    payment_date = ma.fields.Date(allow_none=True, load_default=None)
    due_date = ma.fields.Date(allow_none=True, load_default=None)
    payment_type = Str(load_default="incoming", validate=ma.validate.OneOf(TYPES))
    payment_method = Str(load_default="other", validate=ma.validate.OneOf(METHODS))
    status = Str(load_default="pending", validate=ma.validate.OneOf(STATUSES),
                 metadata={"description": "becoming `completed` sets processed_at and processed_by"})
    invoice_number = Text(100, allow_none=True, load_default=None)
    reference_number = Text(100, allow_none=True, load_default=None)
    transaction_id = Text(100, allow_none=True, load_default=None)
    order_id = LinkId(allow_none=True, load_default=None, data_key="order",
                      metadata={"description": "an order of the organization"})
    vendor_id = LinkId(allow_none=True, load_default=None, data_key="vendor",
                       metadata={"description": "a vendor of the organization"})
    customer_id = LinkId(allow_none=True, load_default=None, data_key="customer",
                         metadata={"description": "a customer of the organization"})
    notes = Text(5000, allow_none=True, load_default=None)


class FailureSchema(InputSchema):
    reason = Str(required=True, validate=ma.validate.Length(min=1, max=2000),
                 metadata={"description": "kept as `failure_reason`"})


class PaymentStatsSchema(ma.Schema):
    total = Int()
    total_amount = Money(total=True)
    completed_amount = Money(total=True)
    by_status = ma.fields.Dict(keys=Str(), values=Int())
    by_type = ma.fields.Dict(keys=Str(), values=Int())
    by_method = ma.fields.Dict(keys=Str(), values=Int())

"""Orders and their line items (docs/api.md#crm)."""
from decimal import Decimal, InvalidOperation, ROUND_HALF_UP

import marshmallow as ma

from models.core import money
from models.crm import payment
from models.crm.order import STATUSES, TYPES
from web.schemas.common import InputSchema, Money, Text, UTCDateTime
from web.schemas.crm import CrmItemSchema, LinkId, LinkName, Ref

Str, Int = ma.fields.String, ma.fields.Integer
QUANTUM, MAX_QUANTITY = Decimal("0.001"), Decimal("999999.999")


class Quantity(ma.fields.Decimal):
    """A JSON number from 0.001 to 999,999.999, rounded half-up to 3 decimals."""

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"minimum": float(QUANTUM), "maximum": float(MAX_QUANTITY), "example": 1.5,
                              **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else Decimal(value).quantize(QUANTUM)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
            raise ma.ValidationError("must be a number")
        try:
            quantity = money.decimal_of(value)
        except InvalidOperation:
            raise ma.ValidationError("must be a number")
        if not quantity.is_finite() or not QUANTUM <= quantity <= MAX_QUANTITY:
            raise ma.ValidationError(f"must be between {QUANTUM} and {MAX_QUANTITY}")
        return quantity.quantize(QUANTUM, rounding=ROUND_HALF_UP)


class OrderLineSchema(ma.Schema):
    """A line item (the spec's `items`)."""
    id = Int()
    item_name = Str()
    description = Str(allow_none=True)
    sku = Str(allow_none=True)
    quantity = Quantity()
    unit_price = Money()
    total_price = Money(metadata={"description": "quantity × unit_price, to the cent (half-up); read-only"})


class OrderLineInputSchema(InputSchema):
    item_name = Str(required=True, validate=ma.validate.Length(min=1, max=200))
    description = Text(5000, allow_none=True, load_default=None)
    sku = Text(64, allow_none=True, load_default=None)
    quantity = Quantity(required=True, metadata={"description": "more than 0, up to 3 decimals"})
    unit_price = Money(required=True)


class OrderListItemSchema(CrmItemSchema):
    order_number = Str()
    title = Str()
    order_type = Str(validate=ma.validate.OneOf(TYPES))
    status = Str(validate=ma.validate.OneOf(STATUSES))
    vendor_id = Int(allow_none=True)
    vendor_name = LinkName("vendor")
    customer_id = Int(allow_none=True)
    customer_name = LinkName("customer")
    total_amount = Money(total=True, metadata={"description": "the sum of the lines' totals; read-only"})
    currency = Str()
    items_count = Int()
    order_date = ma.fields.Date()
    delivery_date = ma.fields.Date(allow_none=True)
    assigned_to_id = Int(allow_none=True)
    assigned_to_name = LinkName("assigned_to")
    updated_at = UTCDateTime()


class PaidAmount(Money):
    """The order's completed incoming payments (models.crm.payment.paid_amount_of)."""

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        return payment.paid_amount_of(obj)


class BalanceDue(ma.fields.Decimal):
    """total_amount − paid_amount: negative when overpaid."""

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        return obj.total_amount - payment.paid_amount_of(obj)

    def _serialize(self, value, attr, obj, **kwargs):
        return money.round_half_up(value)


class OrderSchema(OrderListItemSchema):
    description = Str(allow_none=True)
    cancellation_reason = Str(allow_none=True)
    items = ma.fields.List(ma.fields.Nested(OrderLineSchema))
    vendor = Ref()
    customer = Ref()
    assigned_to = Ref()
    created_by = Ref()
    paid_amount = PaidAmount(total=True, metadata={"description": "its completed incoming payments"})
    balance_due = BalanceDue(metadata={"description": "total_amount − paid_amount (negative when overpaid)"})


def _flat(messages, prefix=""):
    """{"items": {0: {"quantity": [...]}}} as {"items.0.quantity": [...]}."""
    if not isinstance(messages, dict):
        return {prefix: messages}
    flat = {}
    for key, value in messages.items():
        flat.update(_flat(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


class OrderInputSchema(InputSchema):
    """Every writable field (POST, and PUT: a missing optional one is cleared, `items` too)."""
    title = Str(required=True, validate=ma.validate.Length(min=1, max=200))
    description = Text(5000, allow_none=True, load_default=None)
    order_type = Str(load_default="other", validate=ma.validate.OneOf(TYPES))
    vendor_id = LinkId(allow_none=True, load_default=None, data_key="vendor",
                       metadata={"description": "a vendor of the organization"})
    customer_id = LinkId(allow_none=True, load_default=None, data_key="customer",
                         metadata={"description": "a customer of the organization"})
    order_date = ma.fields.Date(allow_none=True, load_default=None,
                                metadata={"description": "default (and when null): today in the organization's time zone"})
    delivery_date = ma.fields.Date(allow_none=True, load_default=None)
    status = Str(load_default="draft", validate=ma.validate.OneOf(STATUSES))
    assigned_to_id = LinkId(allow_none=True, load_default=None, data_key="assigned_to",
                            metadata={"description": "a user of the organization"})
    items = ma.fields.List(ma.fields.Nested(OrderLineInputSchema), load_default=list, validate=ma.validate.Length(max=200),
                           metadata={"description": "the lines: sent, they replace the order's"})

    def handle_error(self, error, data, **kwargs):
        raise ma.ValidationError(_flat(error.normalized_messages()))


class CancelSchema(InputSchema):
    reason = Text(2000, allow_none=True, metadata={"description": "kept as `cancellation_reason`"})


class OrderStatsSchema(ma.Schema):
    total = Int()
    total_revenue = Money(total=True, metadata={"description": "the sum of the completed orders' total_amount"})
    by_status = ma.fields.Dict(keys=Str(), values=Int())
    by_type = ma.fields.Dict(keys=Str(), values=Int())

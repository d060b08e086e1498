"""A booking's payment and its refunds as the admin app shows them (docs/api.md#marketplace)."""
from decimal import Decimal

import marshmallow as ma

from models.core.db import MAX_INT
from models.marketplace.booking import PAYMENT_STATUSES as BOOKING_PAYMENT_STATUSES
from models.marketplace.payment import METHODS
from models.marketplace.payment import STATUSES as PAYMENT_STATUSES
from models.marketplace.refund import STATUSES as REFUND_STATUSES
from web.conventions.background import StartedSchema
from web.schemas.common import InputSchema, Money, Text, UTCDateTime
from web.schemas.crm import Ref

Str, Int = ma.fields.String, ma.fields.Integer
CENT = Decimal("0.01")


class BookingPaymentSchema(ma.Schema):
    id = Int()
    booking_id = Int()
    amount = Money()
    currency = Str()
    method = Str(validate=ma.validate.OneOf(METHODS))
    status = Str(validate=ma.validate.OneOf(PAYMENT_STATUSES))
    provider = Str(metadata={"description": "sandbox or stripe"})
    provider_ref = Str(allow_none=True, metadata={"description": "the provider's charge id"})
    paid_at = UTCDateTime(allow_none=True)
    refunded_amount = Money()


# The name the booking detail imports; the class is named apart from the CRM's PaymentSchema, since
# the API document names schemas after their classes.
PaymentSchema = BookingPaymentSchema


class RefundSchema(ma.Schema):
    id = Int()
    booking_id = Int()
    booking_number = Str(attribute="booking.booking_number")
    payment_id = Int()
    amount = Money()
    currency = Str()
    reason = Str(allow_none=True)
    status = Str(validate=ma.validate.OneOf(REFUND_STATUSES))
    requested_by = Ref()
    approved_by = Ref()
    rejected_reason = Str(allow_none=True)
    failure_reason = Str(allow_none=True)
    provider_refund_id = Str(allow_none=True)
    job_id = Str(allow_none=True, metadata={"description": "the `refund` background job executing it "
                                                           "(GET /admin/jobs/{id})"})
    created_at = UTCDateTime()
    approved_at = UTCDateTime(allow_none=True)
    processed_at = UTCDateTime(allow_none=True)


class PayInputSchema(InputSchema):
    method = Str(required=True, validate=ma.validate.OneOf(METHODS))
    payment_token = Str(load_default=None, allow_none=True, validate=ma.validate.Length(min=1, max=255),
                        metadata={"description": "the payment provider's token for the card or wallet (Stripe: a "
                                                 "PaymentMethod id); the sandbox needs none"})


class BookingPaidSchema(ma.Schema):
    """The paid booking and its payment (a pay's answer)."""
    id = Int(attribute="booking.id")
    booking_number = Str(attribute="booking.booking_number")
    status = Str(attribute="booking.status")
    payment_status = Str(attribute="booking.payment_status", validate=ma.validate.OneOf(BOOKING_PAYMENT_STATUSES))
    amount = Money(attribute="booking.amount")
    currency = Str(attribute="booking.currency")
    payment = ma.fields.Nested(PaymentSchema)


class RefundInputSchema(InputSchema):
    booking_id = Int(required=True, validate=ma.validate.Range(min=1, max=MAX_INT),
                     metadata={"description": "a paid booking of the organization"})
    amount = Money(load_default=None, allow_none=True, validate=ma.validate.Range(min=CENT),
                   metadata={"minimum": 0.01, "description": "at most what is still refundable (its default)"})
    reason = Text(500, load_default=None, allow_none=True)


class ApproveInputSchema(InputSchema):
    note = Text(500, load_default=None, allow_none=True)


class RejectInputSchema(InputSchema):
    reason = Str(required=True, validate=ma.validate.Length(min=1, max=500))


class RefundStartedSchema(StartedSchema):
    """The approved refund and the `refund` job executing it."""
    refund = ma.fields.Nested(RefundSchema)

"""A booking's payment and its refunds as the admin app shows them (docs/api.md#marketplace)."""
import marshmallow as ma

from models.marketplace.payment import METHODS, STATUSES as PAYMENT_STATUSES
from models.marketplace.refund import STATUSES as REFUND_STATUSES
from web.schemas.common import Money, UTCDateTime
from web.schemas.crm import Ref

Str, Int = ma.fields.String, ma.fields.Integer


class PaymentSchema(ma.Schema):
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

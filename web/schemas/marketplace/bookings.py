"""Bookings (docs/api.md#bookings): the list item, the detail, and the bodies of their writes."""
import marshmallow as ma

from models.marketplace.booking import PAYMENT_STATUSES, STATUSES
from models.marketplace.booking_list import BOOKINGS, OWN_BOOKINGS
from web.schemas.common import InputSchema, Money, PatchSchema, Text, UTCDateTime
from web.schemas.crm import Ref
from web.schemas.listing import list_args_schema
from web.schemas.marketplace.payments import PaymentSchema, RefundSchema

Str, Int, Nested = ma.fields.String, ma.fields.Integer, ma.fields.Nested


class ConsumerRefSchema(ma.Schema):
    id = Int()
    name = Str()
    email = Str()


class BookingItemSchema(ma.Schema):
    id = Int()
    booking_number = Str(metadata={"description": "BKG-YYYY-NNNN, per organization and year"})
    status = Str(validate=ma.validate.OneOf(STATUSES))
    payment_status = Str(validate=ma.validate.OneOf(PAYMENT_STATUSES))
    scheduled_at = UTCDateTime()
    amount = Money()
    currency = Str()
    user = Nested(ConsumerRefSchema, metadata={"description": "the consumer who booked"})
    vendor = Ref()
    service = Ref()
    created_at = UTCDateTime()


class BookingCancellationSchema(ma.Schema):
    reason = Str(attribute="cancellation_reason", allow_none=True)
    cancelled_by = Ref()
    cancelled_at = UTCDateTime()


class BookingNoteSchema(ma.Schema):
    id = Int()
    body = Str()
    author = Ref()
    created_at = UTCDateTime()


class BookingHistorySchema(ma.Schema):
    from_status = Str(allow_none=True)
    to_status = Str()
    actor = Ref()
    reason = Str(allow_none=True)
    created_at = UTCDateTime()


class BookingSchema(BookingItemSchema):
    address = Str(allow_none=True)
    city = Str(allow_none=True)
    duration_minutes = Int()
    customer_notes = Str(allow_none=True)
    cancellation = ma.fields.Method("_cancellation", metadata={
        "type": "object", "nullable": True, "description": "`{reason, cancelled_by{id,name}, cancelled_at}`, "
                                                          "null unless cancelled"})
    payment = Nested(PaymentSchema, allow_none=True, metadata={"description": "the succeeded payment, else the "
                                                                              "latest attempt; null unpaid"})
    refunds = ma.fields.List(Nested(RefundSchema))
    notes = ma.fields.List(Nested(BookingNoteSchema))
    history = ma.fields.List(Nested(BookingHistorySchema))
    version = Int(metadata={"description": "send it back in PATCH `version` to refuse a stale write (409)"})
    updated_at = UTCDateTime()

    def _cancellation(self, detail):
        return BookingCancellationSchema().dump(detail) if detail.status == "cancelled" else None


class BookingInputSchema(InputSchema):
    service_id = Int(required=True, validate=ma.validate.Range(min=1))
    scheduled_at = UTCDateTime(required=True, metadata={"description": "in the future"})
    address = Text(500, allow_none=True, load_default=None)
    city = Text(100, allow_none=True, load_default=None)
    customer_notes = Text(5000, allow_none=True, load_default=None)


class CancelInputSchema(InputSchema):
    reason = Str(required=True, validate=ma.validate.Length(min=1, max=500))


class RefundPartSchema(InputSchema):
    amount = Money(metadata={"description": "default: what is still refundable"})
    reason = Text(500)


class AdminBookingPatchSchema(PatchSchema):
    status = Str(validate=ma.validate.OneOf(STATUSES))
    reason = Str(validate=ma.validate.Length(min=1, max=500),
                  metadata={"description": "why the status moves; required to cancel"})
    refund = Nested(RefundPartSchema, metadata={"description": "only with `status: cancelled`"})
    note = Str(validate=ma.validate.Length(min=1, max=5000), metadata={"description": "an admin note, appended"})
    scheduled_at = UTCDateTime(metadata={"description": "reschedule a pending or confirmed booking"})
    version = Int(validate=ma.validate.Range(min=1), metadata={"description": "the version read; stale → 409 "
                                                                             "VERSION_CONFLICT"})


BookingListArgsSchema = list_args_schema(BOOKINGS, "BookingListArgsSchema")
OwnBookingListArgsSchema = list_args_schema(OWN_BOOKINGS, "OwnBookingListArgsSchema")

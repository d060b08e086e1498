"""Marketplace analytics: bookings and revenue series (docs/api.md#marketplace-analytics)."""
import marshmallow as ma

from models.analytics.calendar import INTERVALS
from models.marketplace.booking import STATUSES
from models.marketplace.payment import METHODS
from web.schemas.analytics import SeriesArgsSchema
from web.schemas.common import Money

Int, Str, Nested = ma.fields.Integer, ma.fields.String, ma.fields.Nested
PERIOD = "First day of the day, ISO week (Monday) or month"


class BookingArgsSchema(SeriesArgsSchema):
    vendor_id = Int(validate=ma.validate.Range(min=1, max=2**31 - 1), metadata={"description": "this vendor's only"})
    service_id = Int(validate=ma.validate.Range(min=1, max=2**31 - 1), metadata={"description": "this service's only"})


class RevenueArgsSchema(SeriesArgsSchema):
    vendor_id = Int(validate=ma.validate.Range(min=1, max=2**31 - 1), metadata={"description": "this vendor's only"})


ByStatusSchema = ma.Schema.from_dict({status: Int() for status in STATUSES}, name="BookingsByStatusSchema")


class MethodTotalsSchema(ma.Schema):
    gross = Money(total=True)
    payments = Int()


ByMethodSchema = ma.Schema.from_dict({method: Nested(MethodTotalsSchema) for method in METHODS},
                                     name="RevenueByPaymentMethodSchema")


class _Report(ma.Schema):
    day_from = ma.fields.Date(data_key="from")
    day_to = ma.fields.Date(data_key="to")
    interval = Str(metadata={"enum": list(INTERVALS)})
    timezone = Str(metadata={"description": "The organization's; days are its local days"})


class BookingTotalsSchema(ma.Schema):
    bookings = Int()
    completed = Int()
    cancelled = Int()
    no_show = Int()
    completion_rate = ma.fields.Float(metadata={"description": "completed / bookings, 0 to 1, 4 decimals; 0 without any"})
    cancellation_rate = ma.fields.Float(metadata={"description": "cancelled / bookings, 0 to 1, 4 decimals; 0 without any"})
    average_value = Money(metadata={"description": "value / bookings, to the cent; 0 without any"})


class BookingPointSchema(ma.Schema):
    period = ma.fields.Date(metadata={"description": PERIOD})
    bookings = Int()
    value = Money(total=True)
    by_status = Nested(ByStatusSchema, metadata={"description": "of the bookings created in the period: their status now"})


class BookingReportSchema(_Report):
    totals = Nested(BookingTotalsSchema)
    series = ma.fields.List(Nested(BookingPointSchema), metadata={"description": "every period, zeros included"})


class RevenueTotalsSchema(ma.Schema):
    gross = Money(total=True)
    refunds = Money(total=True)
    net = ma.fields.Decimal(as_string=False, places=2, metadata={"description": "gross - refunds (may be negative)"})
    payments = Int()
    average_payment = Money(metadata={"description": "gross / payments, to the cent; 0 without any"})


class RevenuePointSchema(ma.Schema):
    period = ma.fields.Date(metadata={"description": PERIOD})
    gross = Money(total=True)
    refunds = Money(total=True)
    net = ma.fields.Decimal(as_string=False, places=2, metadata={"description": "gross - refunds (may be negative)"})
    by_payment_method = Nested(ByMethodSchema)


class RevenueReportSchema(_Report):
    currency = Str()
    totals = Nested(RevenueTotalsSchema)
    by_payment_method = Nested(ByMethodSchema)
    series = ma.fields.List(Nested(RevenuePointSchema), metadata={"description": "every period, zeros included"})

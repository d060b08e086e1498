"""Analytics time series read from the rollup tables and the
on-demand refresh."""
import marshmallow as ma

from models.analytics.calendar import INTERVALS
from web.schemas.common import InputSchema, Money, UTCDateTime

Int = ma.fields.Integer


class RangeSchema(InputSchema):
    day_from = ma.fields.Date(data_key="from", metadata={"description": "YYYY-MM-DD; default: 29 days before `to`"})
    day_to = ma.fields.Date(data_key="to", metadata={"description": "YYYY-MM-DD; default: today (organization time)"})


class SeriesArgsSchema(RangeSchema):
    interval = ma.fields.String(load_default="day", validate=ma.validate.OneOf(INTERVALS))


class DispatchMeasuresSchema(ma.Schema):
    jobs_created = Int()
    jobs_completed = Int()
    jobs_cancelled = Int()
    value_completed = Money(total=True)
    currency = ma.fields.String(metadata={"example": "USD"})


class DispatchPointSchema(DispatchMeasuresSchema):
    period = ma.fields.Date(metadata={"description": "First day of the day, ISO week (Monday) or month"})


class DispatchSeriesSchema(ma.Schema):
    day_from = ma.fields.Date(data_key="from")
    day_to = ma.fields.Date(data_key="to")
    interval = ma.fields.String(metadata={"enum": list(INTERVALS)})
    timezone = ma.fields.String(metadata={"description": "The organization's; days are its local days"})
    currency = ma.fields.String()
    points = ma.fields.List(ma.fields.Nested(DispatchPointSchema),
                            metadata={"description": "One per period overlapping the range, zeros included; "
                                                     "the first and last periods count only days in the range"})
    totals = ma.fields.Nested(DispatchMeasuresSchema)
    refreshed_at = UTCDateTime(allow_none=True, metadata={"description": "Latest refresh of the days read"})

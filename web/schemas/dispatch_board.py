"""Status options and dashboard numbers (seed 000)."""
import marshmallow as ma

from web.schemas.common import Money

Str, Int = ma.fields.String, ma.fields.Integer


class OptionSchema(ma.Schema):
    value = Str()
    label = Str()
    color = Str()


class StatusOptionsSchema(ma.Schema):
    job_statuses = ma.fields.List(ma.fields.Nested(OptionSchema))
    priorities = ma.fields.List(ma.fields.Nested(OptionSchema))


class DashboardMetricsSchema(ma.Schema):
    active_jobs = Int()
    online_teams = Int()
    completed_today = Int()
    revenue_today = Money(total=True, metadata={"description": "the value of the jobs completed today, organization time"})

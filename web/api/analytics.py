"""Analytics: time series read from the daily rollup tables, and
an on-demand refresh of them as a background job. Beat keeps yesterday and
today fresh on its own; refresh is for older days (after a correction, or
when the rollups are first introduced)."""
from flask import g
from flask.views import MethodView

from models.analytics import DISPATCH, rollups
from models.core.db import db
from models.identity import Organization
from web.auth import requires
from web.conventions.background import STARTED_DOC, StartedSchema, accepted
from web.conventions.envelope import Blueprint
from web.conventions.openapi import refused_beyond_schema
from web.conventions.work_limits import starts_work
from web.schemas.analytics import DispatchSeriesSchema, RangeSchema, SeriesArgsSchema

blp = Blueprint("analytics", __name__, url_prefix="/api/v1/admin/analytics",
                description="Analytics time series from daily rollups")


def _with_currency(report: dict, organization: Organization) -> dict:
    currency = organization.settings.get("currency", "USD")
    for values in (*report["points"], report["totals"]):
        values["currency"] = currency
    return {**report, "currency": currency, "timezone": organization.timezone}


@blp.route("/dispatch")
class DispatchAnalytics(MethodView):
    @requires("analytics:read")
    @blp.arguments(SeriesArgsSchema, location="query")
    @blp.response(200, DispatchSeriesSchema)
    @blp.doc(responses={"422": {"description": "`from` after `to`, or a range too long for the interval"}})
    @refused_beyond_schema("`from` after `to`, or a range too long for the interval")
    def get(self, args):
        """Dispatch analytics: jobs created, completed and cancelled, and value completed.

        Per day, ISO week or month of the organization's time zone. Defaults: the last 30 days, by day.
        At most 2 years by day, 5 by week, 10 by month; `from` after `to` is 422."""
        org_id = g.user.organization_id
        day_from, day_to = rollups.resolve_range(org_id, args.get("day_from"), args.get("day_to"), args["interval"])
        report = rollups.series(DISPATCH, org_id, day_from, day_to, args["interval"])
        return _with_currency(report, db.session.get(Organization, org_id))


@blp.route("/refresh")
class RefreshAnalytics(MethodView):
    @requires("analytics:read")
    @starts_work
    @blp.arguments(RangeSchema)
    @blp.response(202, StartedSchema, **STARTED_DOC)
    @blp.doc(responses={"422": {"description": "`from` after `to`, or longer than 2 years"}})
    @refused_beyond_schema("`from` after `to`, or longer than 2 years")
    def post(self, args):
        """Recompute the rollups over a range, in the background.

        Every rollup (dispatch and any later ones), as a job of kind `rollup`. Defaults as for reading:
        the last 30 days; at most 2 years; `from` after `to` is 422."""
        org_id = g.user.organization_id
        day_from, day_to = rollups.resolve_range(org_id, args.get("day_from"), args.get("day_to"))
        job = rollups.start_refresh(day_from, day_to, g.user.id, org_id)
        return accepted(job)

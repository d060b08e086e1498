"""Marketplace analytics: bookings and revenue, read from the daily rollup
(docs/api.md#marketplace-analytics). `POST /admin/analytics/refresh` recomputes it with the others."""
from flask import g
from flask.views import MethodView

from models.core.tenancy import check_links
from models.marketplace import analytics_reports
from models.marketplace.service import Service
from models.vendors.vendor import Vendor
from web.auth import requires
from web.conventions.envelope import Blueprint
from web.conventions.openapi import refused_beyond_schema
from web.schemas.marketplace.analytics import (BookingArgsSchema, BookingReportSchema, RevenueArgsSchema,
                                               RevenueReportSchema)

blp = Blueprint("marketplace_analytics", __name__, url_prefix="/api/v1/admin/analytics",
                description="Marketplace analytics: bookings and revenue")
LINKS = {"vendor_id": (Vendor, "vendor"), "service_id": (Service, "service")}
REFUSED = ("`from` after `to`, a daily series over 400 days (or a longer range than the interval allows), "
           "or a `vendor_id` / `service_id` not of the organization")


@blp.route("/bookings")
class BookingAnalytics(MethodView):
    @requires("analytics:read")
    @blp.arguments(BookingArgsSchema, location="query")
    @blp.response(200, BookingReportSchema)
    @refused_beyond_schema(REFUSED)
    def get(self, args):
        """Bookings by the day they were created.

        Per day, ISO week or month of the organization's time zone (default: the last 30 days, by day): how
        many, their value, and their status now; totals with completion and cancellation rates (over the
        bookings created in the range) and the average value. Narrow with `vendor_id` and `service_id`."""
        check_links(args, LINKS)
        return analytics_reports.bookings(g.user.organization_id, args.get("day_from"), args.get("day_to"),
                                          args["interval"], args.get("vendor_id"), args.get("service_id"))


@blp.route("/revenue")
class RevenueAnalytics(MethodView):
    @requires("analytics:read")
    @blp.arguments(RevenueArgsSchema, location="query")
    @blp.response(200, RevenueReportSchema)
    @refused_beyond_schema(REFUSED)
    def get(self, args):
        """Revenue: payments by the day they were paid, refunds by the day they were processed.

        Succeeded payments (gross, count, by method) and succeeded refunds per day, ISO week or month of the
        organization's time zone; `net` = gross - refunds. Narrow with `vendor_id`."""
        check_links(args, LINKS)
        return analytics_reports.revenue(g.user.organization_id, args.get("day_from"), args.get("day_to"),
                                         args["interval"], args.get("vendor_id"))

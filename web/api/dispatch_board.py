"""Reference data and the live numbers of the dispatch console."""
from flask import g
from flask.views import MethodView

from models.dispatch import dashboard
from models.dispatch.job import PRIORITIES, STATUSES
from web.auth import requires, requires_any
from web.conventions.envelope import Blueprint
from web.schemas.dispatch_board import DashboardMetricsSchema, StatusOptionsSchema

blp = Blueprint("dispatch_board", __name__, url_prefix="/api/v1", description="Status options and dashboard")

# Seed 000 gives the colors of pending, in_progress, completed, cancelled and of every priority.
STATUS_COLORS = {"pending": "warning", "scheduled": "secondary", "assigned": "primary", "en_route": "primary",
                 "in_progress": "info", "on_hold": "secondary", "completed": "success", "cancelled": "danger"}
PRIORITY_COLORS = {"low": "secondary", "medium": "warning", "high": "danger", "urgent": "danger"}


def _options(values, colors):
    return [{"value": v, "label": v.replace("_", " ").title(), "color": colors[v]} for v in values]


@blp.route("/options/statuses")
class StatusOptions(MethodView):
    @requires_any("jobs:read", "jobs:read_assigned")
    @blp.response(200, StatusOptionsSchema)
    def get(self):
        """Job statuses and priorities with labels and colors, for dropdowns and badges."""
        return {"job_statuses": _options(STATUSES, STATUS_COLORS), "priorities": _options(PRIORITIES, PRIORITY_COLORS)}


@blp.route("/dashboard/metrics")
class DashboardMetrics(MethodView):
    @requires("analytics:read")
    @blp.response(200, DashboardMetricsSchema)
    def get(self):
        """The dispatch dashboard's numbers now.

        The first paint of the dashboard; updates follow as `dashboard.metrics.updated` events, to the
        same audience (`analytics:read`)."""
        return dashboard.metrics(g.user.organization_id)

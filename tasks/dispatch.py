"""Dispatch work that runs behind the API: the dashboard's live numbers.

Coalesced: a change that the dashboard counts (DashboardChanged, after commit, in the
process that committed) claims the organization's pending mark in Redis and schedules
one computation a second later; changes while the mark is held add nothing. So at most
one `dashboard.metrics.updated` per organization per second, carrying the latest numbers
(sockets.dispatch_relay sends them; docs/events.md)."""
import logging

from celery import shared_task
from flask import current_app

from models.core import context, events
from models.dispatch import dashboard
from models.dispatch.events import DashboardChanged, DashboardMetricsComputed
from tasks.retry import policy

log = logging.getLogger(__name__)

METRICS_PENDING = "dispatch:metrics-pending:{}"
METRICS_INTERVAL_SECONDS = 1


# Not retried: the next committed change schedules a newer count.
@shared_task(name="dispatch.emit_dashboard_metrics", ignore_result=True, **policy(time_limit=30, retry_on=()))
def emit_dashboard_metrics(organization_id: int) -> dict | None:
    """Compute the organization's current dashboard numbers and announce them. Clears the
    pending mark first, so a change committed while we count schedules the next update."""
    current_app.extensions["redis"].delete(METRICS_PENDING.format(organization_id))
    with context.acting_as(organization_id=organization_id):
        numbers = dashboard.metrics(organization_id)
    if numbers is None:
        return None  # the organization is gone
    events.dispatch(DashboardMetricsComputed(organization_id, numbers))  # read only: nothing to commit first
    return numbers


def _schedule_metrics(evt: DashboardChanged) -> None:
    try:
        claimed = current_app.extensions["redis"].set(
            METRICS_PENDING.format(evt.organization_id), "1", nx=True, ex=METRICS_INTERVAL_SECONDS * 5)
        if claimed:
            current_app.extensions["celery"].send_task(
                emit_dashboard_metrics.name, args=[evt.organization_id],
                countdown=METRICS_INTERVAL_SECONDS, ignore_result=True)
    except Exception:  # live numbers are best effort; the next change or a page load catches up
        log.warning("could not schedule dashboard metrics for org %s", evt.organization_id)


events.subscribe(DashboardChanged, _schedule_metrics)

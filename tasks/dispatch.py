"""Dispatch work that runs behind the API."""
from celery import shared_task
from flask import current_app

from models.core import context
from models.dispatch import dashboard
from sockets import rooms
from sockets.dispatch_relay import METRICS_PENDING
from sockets.emitter import emit
from tasks.retry import policy


# Not retried: the next committed change schedules a newer count.
@shared_task(name="dispatch.emit_dashboard_metrics", ignore_result=True, **policy(time_limit=30, retry_on=()))
def emit_dashboard_metrics(organization_id: int) -> dict | None:
    """Send the organization's current dashboard numbers to its dispatch consoles whose users may read
    them (`analytics:read`, as GET /dashboard/metrics). Clears the pending mark first, so a change
    committed while we count schedules the next update."""
    current_app.extensions["redis"].delete(METRICS_PENDING.format(organization_id))
    with context.acting_as(organization_id=organization_id):
        numbers = dashboard.metrics(organization_id)
    if numbers is None:
        return None  # the organization is gone
    emit(rooms.DASHBOARD_METRICS_UPDATED, numbers, room=rooms.permission_room(organization_id, rooms.METRICS))
    return numbers

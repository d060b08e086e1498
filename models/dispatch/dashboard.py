"""The dispatch dashboard's numbers, computed from live rows."""
from datetime import datetime

from sqlalchemy import func, select

from models.core import money
from models.core.db import db
from models.core.local_time import today_window_utc
from models.dispatch.job import ACTIVE_STATUSES, Job
from models.dispatch.technician import Technician
from models.identity import Organization


def metrics(organization_id: int, now: datetime | None = None) -> dict | None:
    """Counts for the organization bound in the current context; None if it does not exist.
    `revenue_today` is a Decimal: the value of the jobs completed today, organization time."""
    org = db.session.get(Organization, organization_id)
    if org is None:
        return None
    since, until = today_window_utc(org.timezone, now)
    active = db.session.scalar(select(func.count(Job.id)).where(Job.status.in_(ACTIVE_STATUSES)))
    online = db.session.scalar(select(func.count(Technician.id)).where(Technician.status != "offline"))
    completed, revenue = db.session.execute(
        select(func.count(Job.id), func.coalesce(func.sum(Job.value), 0))
        .where(Job.status == "completed", Job.actual_end >= since, Job.actual_end < until)
    ).one()
    return {"active_jobs": active, "online_teams": online, "completed_today": completed,
            "revenue_today": money.round_half_up(revenue)}

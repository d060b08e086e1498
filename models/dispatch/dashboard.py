"""The dispatch dashboard's numbers, computed from live rows."""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from models.core.db import db
from models.dispatch.job import ACTIVE_STATUSES, Job
from models.dispatch.technician import Technician
from models.identity import Organization


def start_of_today_utc(tz_name: str, now: datetime | None = None) -> datetime:
    tz = ZoneInfo(tz_name)
    local_now = (now or datetime.now(timezone.utc)).astimezone(tz)
    return datetime.combine(local_now.date(), time.min, tzinfo=tz).astimezone(timezone.utc)


def metrics(organization_id: int, now: datetime | None = None) -> dict | None:
    """Counts for the organization bound in the current context; None if it does not exist."""
    org = db.session.get(Organization, organization_id)
    if org is None:
        return None
    since = start_of_today_utc(org.timezone, now)
    active = db.session.scalar(select(func.count(Job.id)).where(Job.status.in_(ACTIVE_STATUSES)))
    online = db.session.scalar(select(func.count(Technician.id)).where(Technician.status != "offline"))
    completed, revenue = db.session.execute(
        select(func.count(Job.id), func.coalesce(func.sum(Job.value), 0))
        .where(Job.status == "completed", Job.actual_end >= since, Job.actual_end < since + timedelta(days=1))
    ).one()
    return {"active_jobs": active, "online_teams": online, "completed_today": completed,
            "revenue_today": round(float(revenue), 2)}

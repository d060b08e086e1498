"""Analytics rollups on the maintenance queue: beat keeps every
organization's yesterday and today fresh; an admin refreshes any range on
demand (a BackgroundJob of kind `rollup`). Both recompute days from the
business rows, so a redelivered or retried run writes the same numbers."""
import logging
from datetime import date
from itertools import product

from celery import shared_task
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from models.analytics import calendar, rollups
from models.core.db import db
from models.core.unit_of_work import unit_of_work
from models.identity import Organization
from models.ops import job_runs
from tasks.base import TrackedTask
from tasks.retry import policy

log = logging.getLogger(__name__)

CHUNK_DAYS = 31  # one transaction and one progress report per rollup and month


@shared_task(name="analytics.refresh_rollups", ignore_result=True, **policy(time_limit=10 * 60))
def refresh_rollups() -> dict:
    """Refresh yesterday and today (each organization's own time zone) of every rollup
    of every organization. Each organization is a unit of work of its own: one's failure
    does not undo or hold up the others; the database being unreachable retries the whole run."""
    refreshed, failed = 0, []
    for org_id, tz_name in db.session.execute(select(Organization.id, Organization.timezone)).all():
        try:
            with unit_of_work():
                rollups.refresh_all(org_id, *rollups.recent_days(tz_name))
            refreshed += 1
        except OperationalError:
            raise
        except Exception:
            log.exception("rollup refresh failed for organization %s", org_id)
            failed.append(org_id)
    return {"organizations": refreshed, "failed": failed}


@shared_task(name=rollups.REFRESH_TASK, base=TrackedTask, bind=True, **policy(time_limit=25 * 60))
def refresh_on_demand(self, job_id: str) -> dict:
    """Recompute the job's range for every rollup it names, a month at a time,
    reporting progress (a cancel takes effect at the next month). Each month is a unit
    of work of its own, committed before its report: the report is a transaction of its
    own, which SQLite's one writer could not start while the month's was open."""
    job = job_runs.load(job_id)
    day_from, day_to = date.fromisoformat(job.params["from"]), date.fromisoformat(job.params["to"])
    names = [name for name in job.params.get("rollups") or rollups.ROLLUPS if name in rollups.ROLLUPS]
    steps = list(product(names, calendar.spans(day_from, day_to, CHUNK_DAYS)))
    active_days = dict.fromkeys(names, 0)
    for done, (name, (first, last)) in enumerate(steps, start=1):
        with unit_of_work():
            active_days[name] += rollups.refresh(rollups.ROLLUPS[name], job.organization_id, first, last)
        job_runs.report(job_id, done * 100 // len(steps), f"Refreshed {name} through {last.isoformat()}")
    return {"from": day_from.isoformat(), "to": day_to.isoformat(), "days": (day_to - day_from).days + 1,
            "active_days": active_days}

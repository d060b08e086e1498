"""Dispatch's daily numbers per organization (the `dispatch` rollup): jobs
created, completed and cancelled, and the value completed, per local day of
the organization's time zone (the day the dashboard's "completed today" uses).

What each measure counts, for jobs that are not deleted:
- jobs_created: jobs by the day they were created;
- jobs_completed, value_completed: completed jobs by the day they were completed
  (`actual_end`; completed is final, so a past day never changes);
- jobs_cancelled: jobs by the day they were cancelled, from the status history
  (a job cancelled, reopened and cancelled again on another day counts on both)."""
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Integer, UniqueConstraint, distinct, func, select
from sqlalchemy.orm import Mapped, mapped_column

from models.analytics.rollups import DayWindow
from models.core.db import db, utcnow
from models.core.rollups import Rollup
from models.core.tenancy import TenantScoped
from models.core.money import Money
from models.dispatch.job import Job, JobStatusHistory


class DispatchDailyMetric(TenantScoped, db.Model):
    __tablename__ = "dispatch_daily_metrics"
    __table_args__ = (UniqueConstraint("organization_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Declared here, without TenantScoped's own index: the unique (organization_id, day) serves every lookup.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    jobs_created: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    jobs_completed: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    jobs_cancelled: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    value_completed: Mapped[Decimal] = mapped_column(Money(), default=0, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


def dispatch_days(window: DayWindow) -> dict[date, dict]:
    """One grouped query per measure over the window (tenancy and soft delete
    narrow each to the organization's live jobs)."""
    days: dict[date, dict] = defaultdict(dict)

    created = window.day_of(Job.created_at)
    for day, count in db.session.execute(
            select(created, func.count(Job.id)).where(window.covers(Job.created_at)).group_by(created)):
        days[day]["jobs_created"] = count

    completed = window.day_of(Job.actual_end)
    for day, count, value in db.session.execute(
            select(completed, func.count(Job.id), func.coalesce(func.sum(Job.value), 0))
            .where(Job.status == "completed", window.covers(Job.actual_end)).group_by(completed)):
        days[day]["jobs_completed"], days[day]["value_completed"] = count, value

    cancelled = window.day_of(JobStatusHistory.created_at)
    for day, count in db.session.execute(
            select(cancelled, func.count(distinct(JobStatusHistory.job_id)))
            .join(Job, Job.id == JobStatusHistory.job_id)
            .where(JobStatusHistory.to_status == "cancelled", window.covers(JobStatusHistory.created_at))
            .group_by(cancelled)):
        days[day]["jobs_cancelled"] = count
    return dict(days)


DISPATCH = Rollup("dispatch", DispatchDailyMetric,
                  measures=("jobs_created", "jobs_completed", "jobs_cancelled", "value_completed"),
                  compute=dispatch_days)

"""Who sees which jobs: `jobs:read` sees every job of the organization,
`jobs:read_assigned` only the jobs assigned to the caller's technician record.
A job the caller may not see does not exist for them (404, never 403)."""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models.core.db import db
from models.core.errors import NotFound, PermissionDenied
from models.core.permissions import grants
from models.dispatch.job import Job, JobNote
from models.dispatch.photo import attachments_of
from models.dispatch.technician import Technician
from models.identity import Organization


def visible(stmt, user_id: int, permissions):
    if grants(permissions, "jobs:read"):
        return stmt
    if grants(permissions, "jobs:read_assigned"):
        own = select(Technician.id).where(Technician.user_id == user_id).scalar_subquery()
        return stmt.where(Job.technician_id == own)
    raise PermissionDenied("Your role cannot see jobs", required=["jobs:read"])


def get_visible_job(job_id: int, user_id: int, permissions) -> Job:
    stmt = select(Job).where(Job.id == job_id).options(joinedload(Job.customer), joinedload(Job.technician))
    job = db.session.scalars(visible(stmt, user_id, permissions)).unique().one_or_none()
    if job is None:
        raise NotFound(f"Job {job_id} not found")
    return job


def may_read_job(job_id: int, user_id: int, permissions) -> bool:
    try:
        stmt = visible(select(Job.id).where(Job.id == job_id), user_id, permissions)
    except PermissionDenied:
        return False
    return db.session.scalar(stmt) is not None


@dataclass
class JobDetail:
    """A job with what its detail page shows: notes with authors, photos, currency."""

    job: Job
    notes: list
    attachments: list
    currency: str

    def __getattr__(self, name):  # the schema reads the job's own fields straight through
        return getattr(self.job, name)


def load_detail(job_id: int, user_id: int, permissions) -> JobDetail:
    return detail_of(get_visible_job(job_id, user_id, permissions))


def detail_of(job: Job) -> JobDetail:
    """The detail of a job already loaded (and checked visible) by the caller."""
    notes = db.session.scalars(
        select(JobNote).where(JobNote.job_id == job.id).options(joinedload(JobNote.author)).order_by(JobNote.id)
    ).all()
    org = db.session.get(Organization, job.organization_id)
    return JobDetail(job, list(notes), attachments_of(job.id), org.settings.get("currency", "USD"))

"""Who sees which jobs (`visible(actor)`), the one rule REST lists and details, photo
downloads and socket subscriptions share:
- staff with `jobs:read` see every job of the organization;
- staff with `jobs:read_assigned` (technicians) the jobs assigned to their technician record;
- customers (with `portal:access`) the jobs of the customer their account is linked to;
  an account linked to no customer sees none (403, like a role that reads no jobs).
A job the caller may not see does not exist for them (404, never 403)."""
from functools import cache, cached_property

from sqlalchemy import bindparam, exists, select, true
from sqlalchemy.orm import joinedload

from models.core import context
from models.core.context import Actor
from models.core.db import db
from models.core.errors import NotFound, PermissionDenied
from models.core.permissions import grants
from models.core.tenancy import prebuilt
from models.dispatch.job import Job, JobNote
from models.dispatch.photo import JobPhoto, attachments_of
from models.dispatch.technician import Technician
from models.identity import Organization


def visible(actor: Actor | None = None):
    """The criteria (for `.where()`) of the jobs `actor` (by default the current one) may
    read; PermissionDenied when they may read none."""
    rule, params = _rule_of(actor or context.current())
    return _criteria(rule).params(params) if params else _criteria(rule)


def _rule_of(actor: Actor) -> tuple[str, dict]:
    """Which rule of the module's docstring applies to `actor`, with the values of its parameters."""
    if actor.kind == context.CUSTOMER:
        if not grants(actor.permissions, "portal:access"):
            raise PermissionDenied("Your role cannot use the customer portal", required=["portal:access"])
        if actor.customer_id is None:
            raise PermissionDenied("Your account is linked to no customer; ask the organization to link it")
        return "customer", {"viewer_customer_id": actor.customer_id}
    if actor.kind == context.STAFF:
        if grants(actor.permissions, "jobs:read"):
            return "organization", {}
        if grants(actor.permissions, "jobs:read_assigned"):
            return "assigned", {"viewer_user_id": actor.user_id}
    raise PermissionDenied("Your role cannot see jobs", required=["jobs:read"])


@cache
def _criteria(rule: str):
    if rule == "customer":
        return Job.customer_id == bindparam("viewer_customer_id")
    if rule == "assigned":
        return Job.technician_id == select(Technician.id).where(Technician.user_id == bindparam("viewer_user_id")) \
            .scalar_subquery()
    return true()


# The statements of the hot paths are built once (building one costs more than running it).
# Those by id are whole, with their values as parameters, so that their organization's scoped
# copy is built once too (models.core.tenancy.prebuilt); lists narrow their own copy.
@cache
def _job_with_people():
    return select(Job).options(joinedload(Job.customer), joinedload(Job.technician))


@cache
def _detail_row():
    """The job with its customer and technician, and its detail's extras (below)."""
    return (_job_with_people().add_columns(*_extras(Job.id))
            .join(Organization, Organization.id == Job.organization_id))


@cache
def _by_id(statement, rule: str):
    """`statement()` narrowed to the job `:job_id` if `rule` lets the viewer see it."""
    return prebuilt(statement().where(Job.id == bindparam("job_id"), _criteria(rule)))


def _execute_by_id(statement, job_id: int, actor: Actor | None):
    rule, params = _rule_of(actor or context.current())
    return db.session.execute(_by_id(statement, rule), {"job_id": job_id, **params})


@cache
def _job_id():
    return select(Job.id)


def get_visible_job(job_id: int, actor: Actor | None = None) -> Job:
    job = _execute_by_id(_job_with_people, job_id, actor).scalars().unique().one_or_none()
    if job is None:
        raise NotFound(f"Job {job_id} not found")
    return job


def may_read_job(job_id: int, actor: Actor | None = None) -> bool:
    try:
        return _execute_by_id(_job_id, job_id, actor).scalar() is not None
    except PermissionDenied:
        return False


class JobDetail:
    """A job with what its detail page shows: notes with authors, photos, currency. The job's own
    fields read straight through; the rest is loaded when first read, so that the detail of a job
    just changed costs its statement only once the change is committed (web.conventions.unit_of_work)."""

    def __init__(self, job: Job, extras: tuple | None = None):
        self.job = job
        self._extras = extras  # (organization settings, has notes, has photos), when already known

    def __getattr__(self, name):  # the schema reads the job's own fields straight through
        return getattr(self.job, name)

    @cached_property
    def _parts(self) -> tuple[str, list, list]:
        settings, has_notes, has_photos = self._extras or db.session.execute(
            select(*_extras(self.job.id)).where(Organization.id == self.job.organization_id)).one()
        notes = db.session.scalars(
            select(JobNote).where(JobNote.job_id == self.job.id).options(joinedload(JobNote.author))
            .order_by(JobNote.id)).all() if has_notes else []
        return (settings or {}).get("currency", "USD"), list(notes), attachments_of(self.job.id) if has_photos else []

    @property
    def currency(self) -> str:
        return self._parts[0]

    @property
    def notes(self) -> list:
        return self._parts[1]

    @property
    def attachments(self) -> list:
        return self._parts[2]


def _extras(job_id):
    """What a detail shows beyond the job's rows: the organization's settings (its currency), and
    whether the job (`job_id`: an id, or the column in a statement about jobs) has notes and photos."""
    return (Organization.settings, exists().where(JobNote.job_id == job_id), exists().where(JobPhoto.job_id == job_id))


def load_detail(job_id: int, actor: Actor | None = None) -> JobDetail:
    """A visible job's detail in one statement (the job, its customer, technician and the organization's
    currency, and whether it has notes and photos), then its notes and photos when it has any."""
    # many-to-one joins only: one row per job
    row = _execute_by_id(_detail_row, job_id, actor).one_or_none()
    if row is None:
        raise NotFound(f"Job {job_id} not found")
    job, *extras = row
    return JobDetail(job, tuple(extras))


def detail_of(job: Job) -> JobDetail:
    """The detail of a job the caller loaded and checked visible, after a change (which may have taken it
    out of the caller's sight, as a reassignment does): the job as changed, its notes, photos and
    currency read when the answer is written."""
    return JobDetail(job)

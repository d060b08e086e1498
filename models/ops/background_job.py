"""Background work started for a user: one BackgroundJob row per
Celery task, its id the task id, so the API can show, poll, cancel and clean up
work that runs elsewhere.

Life cycle: `start()` (in the request's transaction) writes the row `queued`
and puts the task in the outbox; the API cancels, deletes and purges jobs here.
What the worker and the stalled-job reaper do to a job is in models.ops.job_runs.

Every change records `BackgroundJobChanged`, relayed after commit as
`job.progress` to the creator and the organization's admins."""
import mimetypes
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql import Select

from models.core import events, storage
from models.core.db import db, utcnow
from models.core.errors import Conflict, NotFound
from models.core.listing import ListSpec, any_of
from models.core.permissions import grants
from models.core.tenancy import TenantScoped
from models.ops import outbox, work_limits

STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
UNFINISHED = ("queued", "running")
FINISHED = ("succeeded", "failed", "cancelled")
# A job whose worker died this many times (OOM, SIGKILL) is given up rather than
# allowed to take workers down forever. Retries (the task ran and asked for one) do not count.
MAX_LOST_DELIVERIES = 3
SEE_ALL = "jobs:background"


class BackgroundJob(TenantScoped, db.Model):
    __tablename__ = "background_jobs"
    __table_args__ = (Index("ix_background_jobs_org_created", "organization_id", "created_at"),
                      Index("ix_background_jobs_status_heartbeat", "status", "heartbeat_at"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # = the Celery task id
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    task_name: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[str] = mapped_column(String(16), default="queued", nullable=False)
    progress: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    message: Mapped[str | None] = mapped_column(String(500))
    params: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)  # deliveries, retries included
    lost_deliveries: Mapped[int] = mapped_column(Integer, default=0, nullable=False)  # its worker died
    worker: Mapped[str | None] = mapped_column(String(200))
    artifact_key: Mapped[str | None] = mapped_column(String(300))  # relative to STORAGE_DIR
    artifact_name: Mapped[str | None] = mapped_column(String(200))  # the download's file name
    artifact_bytes: Mapped[int | None] = mapped_column(BigInteger)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # last report, or hand-out
    republished: Mapped[int] = mapped_column(Integer, default=0, server_default="0", nullable=False)  # by the reaper
    request_id: Mapped[str | None] = mapped_column(String(64))  # of the request that started it, for its logs

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def cancel_requested(self) -> bool:
        return self.cancel_requested_at is not None


@dataclass(frozen=True)
class BackgroundJobChanged(events.DomainEvent):
    job_id: str
    organization_id: int
    created_by: int | None
    kind: str
    status: str
    progress: int
    message: str | None


def progress_payload(evt: BackgroundJobChanged) -> dict:
    """What `job.progress` carries, on Socket.IO and to webhooks."""
    return {"job_id": evt.job_id, "kind": evt.kind, "status": evt.status, "progress": evt.progress,
            "message": evt.message}


@dataclass(frozen=True)
class BackgroundJobCancelled(events.DomainEvent):
    """Cancel asked for: the Celery layer revokes the message after commit."""
    job_id: str


@dataclass(frozen=True)
class BackgroundJobDeleted(events.DomainEvent):
    """The row is gone: its files go after commit."""
    artifact_key: str | None


class Cancelled(Exception):
    """Raised inside a running task by `report()` once a cancel was asked for."""


def announce_change(job: BackgroundJob, session=None) -> None:
    events.record(BackgroundJobChanged(job.id, job.organization_id, job.created_by, job.kind, job.status,
                                       job.progress, job.message), session=session)


# --- the API side (the caller's transaction) ------------------------------

def start(kind: str, task_name: str, params: dict, created_by: int | None, organization_id: int) -> BackgroundJob:
    """Record a job and enqueue its task (published after the caller commits).
    The task receives the job id as its only argument."""
    work_limits.check_queue(kind, organization_id, lambda cap: _queued(kind, organization_id, cap))
    job = BackgroundJob(id=str(uuid.uuid4()), organization_id=organization_id, kind=kind, task_name=task_name,
                        params=params, created_by=created_by, status="queued", progress=0, attempts=0,
                        lost_deliveries=0, message="Waiting for a worker")
    db.session.add(job)
    announce_change(job)  # announced before the task is published, so `queued` comes before `running`
    outbox.enqueue(task_name, job.id, task_id=job.id)
    return job


def _queued(kind: str, organization_id: int, up_to: int) -> int:
    """How many of the organization's jobs of `kind` wait for a worker, counting no further than `up_to`."""
    waiting = (select(BackgroundJob.id)
               .where(BackgroundJob.organization_id == organization_id, BackgroundJob.kind == kind,
                      BackgroundJob.status == "queued")
               .limit(up_to).execution_options(all_tenants=True).subquery())
    return db.session.scalar(select(func.count()).select_from(waiting))


def visible(user_id: int, permissions) -> Select:
    """The jobs a user may see: all of the organization's with `jobs:background`,
    else the ones they started."""
    stmt = select(BackgroundJob)
    if not grants(permissions, SEE_ALL):
        stmt = stmt.where(BackgroundJob.created_by == user_id)
    return stmt


def get_visible(job_id: str, user_id: int, permissions) -> BackgroundJob:
    job = db.session.scalars(visible(user_id, permissions).where(BackgroundJob.id == job_id)).one_or_none()
    if job is None:
        raise NotFound(f"Background job {job_id} not found")
    return job


def artifact_file(job: BackgroundJob) -> storage.StoredFile:
    """The file a succeeded job produced (an export, a backup archive): Conflict while it is
    unfinished, NotFound when it ended without one or the file is gone."""
    if not job.finished:
        raise Conflict(f"Background job {job.id} is still {job.status}", status=job.status)
    if job.status != "succeeded" or not storage.exists(job.artifact_key):
        raise NotFound(f"Background job {job.id} has no file")
    content_type = mimetypes.guess_type(job.artifact_name or "")[0] or "application/octet-stream"
    return storage.StoredFile(job.artifact_key, content_type, job.artifact_name)


def cancel(job: BackgroundJob, abandoned: bool = False) -> BackgroundJob:
    """A queued job is cancelled at once; a running one is asked to stop and ends
    `cancelled` at its next progress report (within seconds), unless it is
    `abandoned` (marked running, but its worker no longer has it: nobody would
    stop it), which is cancelled at once too."""
    if job.finished:
        raise Conflict(f"Background job {job.id} is already {job.status}", status=job.status)
    now = utcnow()
    if job.status == "queued":
        values = {"status": "cancelled", "finished_at": now, "message": "Cancelled before it started"}
    elif abandoned:
        values = {"status": "cancelled", "finished_at": now, "message": "Cancelled; its worker had lost it"}
    else:
        values = {"message": "Cancelling"}
    # Only from the state we saw: a worker may have started or finished it meanwhile.
    changed = db.session.execute(
        update(BackgroundJob).where(BackgroundJob.id == job.id, BackgroundJob.status == job.status)
        .values(cancel_requested_at=job.cancel_requested_at or now, **values)
        .execution_options(synchronize_session=False))
    db.session.refresh(job)
    if changed.rowcount == 0:
        return cancel(job, abandoned)  # judged again from what it is now
    announce_change(job)
    events.record(BackgroundJobCancelled(job.id))
    return job


def delete(job: BackgroundJob) -> None:
    """Remove a finished job and, after commit, its files."""
    if not job.finished:
        raise Conflict(f"Background job {job.id} is {job.status}; cancel it first", status=job.status)
    db.session.delete(job)
    events.record(BackgroundJobDeleted(job.artifact_key))


events.subscribe(BackgroundJobDeleted, lambda evt: storage.remove(evt.artifact_key))


def purge_finished(older_than: datetime, keep_kinds=("backup",)) -> int:
    """Delete jobs (and their files) of every organization that finished before
    `older_than`, except the kinds kept until deleted by hand. The caller commits."""
    stale = db.session.scalars(
        select(BackgroundJob).where(BackgroundJob.status.in_(FINISHED), BackgroundJob.finished_at < older_than,
                                    BackgroundJob.kind.not_in(keep_kinds))
        .execution_options(all_tenants=True)).all()
    for job in stale:
        delete(job)
    return len(stale)


# How background jobs are listed.
BACKGROUND_JOBS = ListSpec(
    sortable={"created_at": BackgroundJob.created_at, "finished_at": BackgroundJob.finished_at,
              "status": BackgroundJob.status, "kind": BackgroundJob.kind},
    default_sort="-created_at", id=BackgroundJob.id, ids_descending=True,
    filters={"kind": any_of(BackgroundJob.kind, description="any of these kinds (export, backup, ...)"),
             "status": any_of(BackgroundJob.status, STATUSES)},
    search=(BackgroundJob.id, BackgroundJob.kind, BackgroundJob.message, BackgroundJob.error,
            BackgroundJob.artifact_name),
)

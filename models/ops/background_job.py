"""Background work started for a user: one BackgroundJob row per
Celery task, its id the task id, so the API can show, poll, cancel and clean up
work that runs elsewhere.

Life cycle: `start()` (in the request's transaction) writes the row `queued`
and puts the task in the outbox. The worker side (tasks.base.TrackedTask)
calls `begin()`, `report()` while working, and one of `succeed()`, `fail()`,
`requeue()` (a retry is coming) or `end_cancelled()`. Worker-side changes are
committed in their own short transactions, so the API sees progress while the
task's own transaction (a streaming read, a restore) is still open, and a task
that fails still ends its job: the declared exception to the unit of work
(models.core.unit_of_work).

`begin()` and every `report()` stamp `heartbeat_at`. The stalled-job reaper
(tasks.maintenance.reap_stalled_jobs, docs/operations.md) looks at running jobs
whose heartbeat is older than its grace and, when their worker is gone or no
longer holds them, hands the task out again with `republish()`.

Every change records `BackgroundJobChanged`, relayed after commit as
`job.progress` to the creator and the organization's admins."""
import mimetypes
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, func, select, true, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql import Select

from models.core import context, events, storage
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


def _changed(job: BackgroundJob, session=None) -> None:
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
    _changed(job)  # announced before the task is published, so `queued` comes before `running`
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
    _changed(job)
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


# --- the worker side (each call commits on its own) -----------------------
# A worker knows a job by its id alone (a UUID) until the row tells it the organization:
# these reads and writes cross tenants on purpose.
ANY_TENANT = {"all_tenants": True}

def _apply(job_id: str, where, **values) -> BackgroundJob | None:
    """UPDATE one job if `where` holds, commit, announce; the row after, or None.
    A short transaction of its own, outside the task's unit of work (see the module's docstring)."""
    with Session(db.engine, expire_on_commit=False) as session:
        done = session.execute(update(BackgroundJob).where(BackgroundJob.id == job_id, where).values(**values)
                               .execution_options(synchronize_session=False, **ANY_TENANT))
        if done.rowcount == 0:
            return None
        job = session.get(BackgroundJob, job_id, execution_options=ANY_TENANT)
        _changed(job, session)
        session.commit()
        return job


def load(job_id: str) -> BackgroundJob | None:
    with Session(db.engine, expire_on_commit=False) as session:
        return session.get(BackgroundJob, job_id, execution_options=ANY_TENANT)


def _gave_up(job: BackgroundJob) -> str:
    return (f"Gave up after {job.attempts} attempts: its worker was lost each time "
            "(killed, or out of memory)")


def begin(job_id: str, worker: str, supersedes: int | None = None) -> BackgroundJob | None:
    """Claim a job for this delivery of its task; the row returned carries this
    delivery's `attempts`, the fence its later updates pass. None when there is
    nothing to do: the job is finished (a duplicate delivery), cancelled, deleted,
    claimed by a concurrent delivery, or its workers were lost MAX_LOST_DELIVERIES
    times (then it ends `failed`).

    `supersedes`: this message was handed out by the reaper in place of delivery
    number `supersedes`; it is stale, and skipped, once another delivery has
    claimed the job since (so the reaper's copies never pile up lost deliveries)."""
    job = load(job_id)
    if job is None or job.finished:
        return None
    if supersedes is not None and job.status == "running" and job.attempts != supersedes:
        return None
    if job.cancel_requested:
        end_cancelled(job_id)
        return None
    lost = job.status == "running"  # the last delivery never reported back: its worker died
    if lost and job.lost_deliveries + 1 >= MAX_LOST_DELIVERIES:
        fail(job_id, _gave_up(job))
        return None
    now = utcnow()
    return _apply(job_id, (BackgroundJob.status == job.status) & (BackgroundJob.attempts == job.attempts),
                  status="running", worker=worker, started_at=job.started_at or now, heartbeat_at=now,
                  attempts=job.attempts + 1, lost_deliveries=job.lost_deliveries + lost,
                  request_id=job.request_id or context.current().request_id,
                  message="Started" if job.attempts == 0 else f"Started again (attempt {job.attempts + 1})")


def report(job_id: str, progress: int, message: str | None = None) -> None:
    """Record progress (0-100). Raises Cancelled when a cancel was asked for."""
    job = _apply(job_id, (BackgroundJob.status == "running") & BackgroundJob.cancel_requested_at.is_(None),
                 progress=max(0, min(100, int(progress))), message=message, heartbeat_at=utcnow())
    if job is None:
        raise Cancelled(job_id)


def attach_artifact(job_id: str, key: str, filename: str, size: int) -> None:
    _apply(job_id, BackgroundJob.status == "running", artifact_key=key, artifact_name=filename, artifact_bytes=size,
           heartbeat_at=utcnow())


# The ends of a delivery. `attempt` (from begin) fences out a delivery that another
# one has superseded (a retry picked up early, a redelivery after a lost worker):
# only the latest delivery may end the job.

def _delivery(attempt: int | None):
    return BackgroundJob.attempts == attempt if attempt is not None else true()


def succeed(job_id: str, result: dict | None, attempt: int | None = None) -> None:
    _apply(job_id, (BackgroundJob.status == "running") & _delivery(attempt), status="succeeded", progress=100,
           result=result, message="Done", finished_at=utcnow())


def fail(job_id: str, error: str, attempt: int | None = None) -> None:
    _apply(job_id, BackgroundJob.status.in_(UNFINISHED) & _delivery(attempt), status="failed", error=error[:4000],
           message="Failed", finished_at=utcnow())


def requeue(job_id: str, reason: str, attempt: int | None = None) -> None:
    """A retry is scheduled: the job waits in the queue again."""
    _apply(job_id, (BackgroundJob.status == "running") & _delivery(attempt), status="queued",
           message=f"Retrying: {reason}"[:500])


def end_cancelled(job_id: str, attempt: int | None = None) -> None:
    _apply(job_id, BackgroundJob.status.in_(UNFINISHED) & _delivery(attempt), status="cancelled",
           message="Cancelled", finished_at=utcnow())


# --- the stalled-job reaper (tasks.maintenance.reap_stalled_jobs) -----------

def _silent_since(cutoff: datetime):
    """SQL: a running job with no sign of life since `cutoff`."""
    last_sign = func.coalesce(BackgroundJob.heartbeat_at, BackgroundJob.started_at, BackgroundJob.created_at)
    return (BackgroundJob.status == "running") & (last_sign < cutoff)


def any_silent(since: datetime) -> bool:
    """Is any running job (of any organization) silent since `since`? One indexed query."""
    with Session(db.engine) as session:
        return session.scalar(select(BackgroundJob.id).where(_silent_since(since)).limit(1)
                              .execution_options(all_tenants=True)) is not None


def silent(since: datetime, limit: int = 200) -> list[BackgroundJob]:
    """Running jobs of every organization with no sign of life since `since`, oldest first."""
    with Session(db.engine, expire_on_commit=False) as session:
        return list(session.scalars(
            select(BackgroundJob).where(_silent_since(since)).order_by(BackgroundJob.heartbeat_at).limit(limit)
            .execution_options(all_tenants=True)))


def republish(job: BackgroundJob, reason: str) -> str:
    """Hand a running job whose delivery was lost out again, as the `job` seen (same
    attempt, no cancel asked for since). Returns what was done: "republished", "failed"
    (its workers were lost MAX_LOST_DELIVERIES times), "cancelled" (a cancel was
    asked for: nobody would honour it), or "skipped" (it changed meanwhile, or an
    earlier hand-out is still waiting in the outbox).

    The task goes through the outbox with the same task id, the request id of the
    request that started it and `supersedes_attempt`, so that only one copy runs
    (see `begin()`); the attempt fence makes a late original delivery harmless."""
    if job.cancel_requested:
        done = _apply(job.id, (BackgroundJob.status == "running") & (BackgroundJob.attempts == job.attempts),
                      status="cancelled", finished_at=utcnow(), message="Cancelled; its worker had lost it")
        return "cancelled" if done else "skipped"
    if job.lost_deliveries + 1 >= MAX_LOST_DELIVERIES:
        before = (BackgroundJob.status == "running") & (BackgroundJob.attempts == job.attempts)
        done = _apply(job.id, before, status="failed", error=_gave_up(job), message="Failed", finished_at=utcnow())
        return "failed" if done else "skipped"
    with Session(db.engine, expire_on_commit=False) as session:
        if session.get(outbox.OutboxMessage, job.id) is not None:
            return "skipped"  # the last hand-out is still waiting for the broker; beat relays it
        times = job.republished + 1
        done = session.execute(
            update(BackgroundJob)
            .where(BackgroundJob.id == job.id, BackgroundJob.status == "running",
                   BackgroundJob.attempts == job.attempts, BackgroundJob.cancel_requested_at.is_(None))
            .values(republished=times, heartbeat_at=utcnow(),
                    message=f"Handed out again: {reason}"[:500])
            .execution_options(synchronize_session=False, **ANY_TENANT))
        if done.rowcount == 0:
            return "skipped"
        _changed(session.get(BackgroundJob, job.id, execution_options=ANY_TENANT), session)
        outbox.enqueue_in(session, job.task_name, [job.id], {}, task_id=job.id,
                          headers={"supersedes_attempt": job.attempts, "request_id": job.request_id})
        # Each hand-out commits on its own, as a progress report does (see the module's docstring);
        # the task is published after this commit (or relayed by beat if Redis is down).
        session.commit()
    return "republished"


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

"""A background job as its worker sees it, and as the stalled-job reaper does.

The worker side (tasks.base.TrackedTask) calls `begin()`, `report()` while working, and one of
`succeed()`, `fail()`, `requeue()` (a retry is coming) or `end_cancelled()`. These changes are
committed in short transactions of their own, so the API sees progress while the task's own
transaction (a streaming read, a restore) is still open, and a task that fails still ends its
job: the declared exception to the unit of work (models.core.unit_of_work).

`begin()` and every `report()` stamp `heartbeat_at`. The stalled-job reaper
(tasks.maintenance.reap_stalled_jobs, docs/operations.md) looks at running jobs whose
heartbeat is older than its grace and, when their worker is gone or no longer holds them,
hands the task out again with `republish()`."""
from datetime import datetime

from sqlalchemy import func, select, true, update
from sqlalchemy.orm import Session

from models.core import context
from models.core.db import db, utcnow
from models.ops import outbox
from models.ops.background_job import (MAX_LOST_DELIVERIES, UNFINISHED, BackgroundJob, Cancelled,
                                       announce_change)

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
        announce_change(job, session)
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
        announce_change(session.get(BackgroundJob, job.id, execution_options=ANY_TENANT), session)
        outbox.enqueue_in(session, job.task_name, [job.id], {}, task_id=job.id,
                          headers={"supersedes_attempt": job.attempts, "request_id": job.request_id})
        # Each hand-out commits on its own, as a progress report does (see the module's docstring);
        # the task is published after this commit (or relayed by beat if Redis is down).
        session.commit()
    return "republished"

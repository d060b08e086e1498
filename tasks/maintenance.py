"""Housekeeping run by beat on the maintenance queue."""
import logging
from collections import Counter
from datetime import timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import delete

from models.core import context
from models.core.db import db, utcnow
from models.identity import sessions
from models.identity.sessions import RefreshToken
from models.ops import background_job, idempotency, job_runs, outbox
from tasks import beat, inspection
from tasks.retry import policy

log = logging.getLogger(__name__)

RELAY_OUTBOX, REAP_STALLED_JOBS = "maintenance.relay_outbox", "maintenance.reap_stalled_jobs"


def _relay_grace() -> timedelta:
    return timedelta(seconds=current_app.config["OUTBOX_RELAY_GRACE_SECONDS"])


def _silent_since():
    return utcnow() - timedelta(seconds=current_app.config["REAPER_GRACE_SECONDS"])


@beat.only_when(RELAY_OUTBOX)
def _outbox_has_pending() -> bool:
    return outbox.has_pending(older_than=_relay_grace())


@beat.only_when(REAP_STALLED_JOBS)
def _a_job_is_silent() -> bool:
    return job_runs.any_silent(since=_silent_since())


@shared_task(name=RELAY_OUTBOX, ignore_result=True, **policy(time_limit=60))
def relay_outbox() -> int:
    """Publish tasks whose publish failed at commit time (broker was down)."""
    return outbox.relay_pending(older_than=_relay_grace())


# Not retried: beat runs it again within REAPER_INTERVAL_SECONDS.
@shared_task(name=REAP_STALLED_JOBS, ignore_result=True, **policy(time_limit=5 * 60, retry_on=()))
def reap_stalled_jobs() -> dict:
    """Hand out again the running jobs whose delivery was lost with its worker (docs/operations.md).

    A job is stalled when it has shown no sign of life (a progress report) for
    REAPER_GRACE_SECONDS and no live worker holds its task: its worker does not
    answer (killed with its machine: the broker would hand the message out only
    after its visibility timeout, hours later), or answers without it. A worker
    that holds the task is alive, however quiet the task. The grace keeps a
    worker's slow answer (or a solo pool, which cannot answer while it works)
    from being taken for death; a wrong call costs a duplicate run, which the
    attempt fence makes harmless. Safe to run concurrently and twice."""
    suspects = job_runs.silent(since=_silent_since())
    if not suspects:
        return {}
    celery = current_app.extensions["celery"]
    found = inspection.holders(celery, [job.id for job in suspects], current_app.config["REAPER_INSPECT_TIMEOUT"])
    if found is None:
        return {"unknown": len(suspects)}  # the broker did not answer: judge nothing
    answered, held = found
    if not answered:  # not even the worker running this task answered (a solo pool?): nothing can be judged
        log.warning("no worker answered; %d silent job(s) left alone", len(suspects))
        return {"unknown": len(suspects)}
    outcomes = Counter()
    for job in suspects:
        if job.id in held:
            outcomes["alive"] += 1
            continue
        why = (f"its worker {job.worker} answers without it" if job.worker in answered
               else f"its worker {job.worker} does not answer")
        outcome = job_runs.republish(job, why)
        outcomes[outcome] += 1
        with context.acting_as(request_id=job.request_id):  # the story of one request, in one search
            log.warning("stalled job %s (%s, attempt %d): %s; %s", job.id, job.kind, job.attempts, why, outcome,
                        extra={"job_id": job.id, "outcome": outcome})
    return dict(outcomes)


@shared_task(name="maintenance.purge_expired", ignore_result=True, **policy(time_limit=10 * 60))
def purge_expired() -> dict:
    """End idle sessions; drop expired idempotency records and refresh tokens, and
    finished background jobs past retention with their files. One transaction: once it
    commits, users of ended sessions are told (session.revoked) and the files removed.
    Idempotent: a second run finds nothing left to do."""
    purged_keys = idempotency.purge_expired()  # on its own, as idempotency records always are
    idle_for = timedelta(days=current_app.config["REFRESH_TOKEN_TTL_DAYS"])
    ended = sessions.end_idle_sessions(idle_for)
    retention = timedelta(days=current_app.config["BACKGROUND_JOB_RETENTION_DAYS"])
    purged_jobs = background_job.purge_finished(older_than=utcnow() - retention)
    purged_tokens = db.session.execute(delete(RefreshToken).where(RefreshToken.expires_at <= utcnow())).rowcount
    return {"sessions_ended": ended, "idempotency_records": purged_keys, "refresh_tokens": purged_tokens,
            "background_jobs": purged_jobs}

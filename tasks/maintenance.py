"""Housekeeping run by beat on the maintenance queue."""
from datetime import timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import delete

from models.db import db, utcnow
from models.identity import sessions
from models.identity.sessions import RefreshToken
from models.ops import background_job, idempotency, outbox

RETRYING = dict(autoretry_for=(ConnectionError, OSError), retry_backoff=True, retry_jitter=True, max_retries=5)


@shared_task(name="maintenance.relay_outbox", ignore_result=True, **RETRYING)
def relay_outbox() -> int:
    """Publish tasks whose publish failed at commit time (broker was down)."""
    grace = timedelta(seconds=current_app.config["OUTBOX_RELAY_GRACE_SECONDS"])
    return outbox.relay_pending(older_than=grace)


@shared_task(name="maintenance.purge_expired", ignore_result=True, **RETRYING)
def purge_expired() -> dict:
    """End idle sessions; drop expired idempotency records and refresh tokens, and
    finished background jobs past retention with their files.
    Idempotent: a second run finds nothing left to do."""
    idle_for = timedelta(days=current_app.config["REFRESH_TOKEN_TTL_DAYS"])
    ended = sessions.end_idle_sessions(idle_for)
    db.session.commit()  # users of ended sessions are told (session.revoked) after this commit
    retention = timedelta(days=current_app.config["BACKGROUND_JOB_RETENTION_DAYS"])
    purged_jobs = background_job.purge_finished(older_than=utcnow() - retention)
    db.session.commit()  # files are removed after this commit
    purged_keys = idempotency.purge_expired()
    with db.engine.begin() as conn:
        purged_tokens = conn.execute(delete(RefreshToken).where(RefreshToken.expires_at <= utcnow())).rowcount
    return {"sessions_ended": ended, "idempotency_records": purged_keys, "refresh_tokens": purged_tokens,
            "background_jobs": purged_jobs}

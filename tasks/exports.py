"""Data exports on the `exports` queue; the work is models.ops.exports.run."""
from celery import shared_task
from sqlalchemy.exc import OperationalError

from models.ops import exports
from tasks.base import TrackedTask


@shared_task(name="exports.run", base=TrackedTask, bind=True, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(OperationalError, OSError), retry_backoff=5, retry_backoff_max=120, retry_jitter=True,
             max_retries=3, soft_time_limit=20 * 60, time_limit=22 * 60)
def run_export(self, job_id: str) -> dict:
    """Write the export a BackgroundJob asks for and attach the file. Idempotent: a
    redelivered message (the worker died mid-export) writes the whole file again,
    atomically, and the job finishes once (TrackedTask skips a finished job). Lost
    connections and storage errors are retried with backoff; a cancel stops it at
    the next progress report and leaves no file."""
    return exports.run(job_id)

"""Data exports on the `exports` queue; the work is models.ops.exports.run."""
from celery import shared_task

from models.ops import exports
from tasks.base import TrackedTask
from tasks.retry import policy


@shared_task(name="exports.run", base=TrackedTask, bind=True, **policy(time_limit=20 * 60))
def run_export(self, job_id: str) -> dict:
    """Write the export a BackgroundJob asks for and attach the file. Idempotent: a
    redelivered message (the worker died mid-export) writes the whole file again,
    atomically, and the job finishes once (TrackedTask skips a finished job). Lost
    connections and storage errors are retried with backoff; a cancel stops it at
    the next progress report and leaves no file."""
    return exports.run(job_id)

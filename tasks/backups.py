"""Backups and restores on the `maintenance` queue.

Both are tracked (their BackgroundJob shows progress, result and error) and
idempotent: a redelivered backup rewrites its archive atomically under the
same key and finishes once; a redelivered restore re-applies the same data
(its transaction either committed whole or not at all). A database that drops
the connection or detects a deadlock is retried with backoff; an archive that
fails its checks is not, it fails the job at once. A restore's writes are one
transaction, committed by the task (tasks.base) before its job says succeeded."""
from celery import shared_task
from sqlalchemy.exc import OperationalError

from models.ops import backups, restore
from tasks.base import TrackedTask
from tasks.retry import policy


@shared_task(name=backups.CREATE_TASK, base=TrackedTask, bind=True, **policy(time_limit=20 * 60))
def create_backup(self, job_id: str) -> dict:
    return backups.create(job_id)


# Only the database is transient here: the archive is a local file that passed its checks.
@shared_task(name=backups.RESTORE_TASK, base=TrackedTask, bind=True,
             **policy(time_limit=20 * 60, retry_on=(OperationalError,)))
def restore_backup(self, job_id: str) -> dict:
    return restore.restore(job_id)

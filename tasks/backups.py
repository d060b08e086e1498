"""Backups and restores on the `maintenance` queue.

Both are tracked (their BackgroundJob shows progress, result and error) and
idempotent: a redelivered backup rewrites its archive atomically under the
same key and finishes once; a redelivered restore re-applies the same data
(its transaction either committed whole or not at all). A database that drops
the connection or detects a deadlock is retried with backoff; an archive that
fails its checks is not, it fails the job at once."""
from celery import shared_task
from sqlalchemy.exc import OperationalError

from models.ops import backups, restore
from tasks.base import TrackedTask

RETRYING = dict(acks_late=True, reject_on_worker_lost=True, retry_backoff=5, retry_backoff_max=120,
                retry_jitter=True, max_retries=3)


@shared_task(name=backups.CREATE_TASK, base=TrackedTask, bind=True, autoretry_for=(OperationalError, OSError),
             soft_time_limit=20 * 60, time_limit=22 * 60, **RETRYING)
def create_backup(self, job_id: str) -> dict:
    return backups.create(job_id)


@shared_task(name=backups.RESTORE_TASK, base=TrackedTask, bind=True, autoretry_for=(OperationalError,),
             soft_time_limit=20 * 60, time_limit=22 * 60, **RETRYING)
def restore_backup(self, job_id: str) -> dict:
    return restore.restore(job_id)

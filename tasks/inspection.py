"""What Celery itself says about work in flight, asked of the live workers with
a short timeout (a broadcast over the broker; workers answer from memory)."""
import logging

log = logging.getLogger(__name__)

INSPECT_TIMEOUT = 0.5
WORKER_STATES = {"active": "STARTED", "reserved": "RECEIVED", "scheduled": "SCHEDULED"}
FINISHED_STATES = {"succeeded": "SUCCESS", "failed": "FAILURE", "cancelled": "REVOKED"}


def live_state(celery, job) -> tuple[str | None, str | None]:
    """(celery_state, worker) of a BackgroundJob. Finished jobs answer from the row.
    An unfinished one is looked for on every worker: held by one -> that worker's
    state; not held, still queued -> PENDING (in the broker's queue); marked running
    but its worker answered without it -> LOST (redelivered once the broker's
    visibility timeout passes). None when the workers could not be asked."""
    if job.status in FINISHED_STATES:
        return FINISHED_STATES[job.status], job.worker
    try:
        replies = celery.control.inspect(timeout=INSPECT_TIMEOUT).query_task(job.id) or {}
    except Exception:  # broker unreachable: the row is all we know
        log.warning("could not inspect workers for %s", job.id, exc_info=True)
        return None, job.worker
    for worker, tasks in replies.items():
        if job.id in tasks:
            return WORKER_STATES.get(tasks[job.id][0], tasks[job.id][0].upper()), worker
    if job.status == "queued":
        return "PENDING", None
    if job.worker in replies:
        return "LOST", job.worker
    return None, job.worker  # its worker did not answer in time (busy, or gone)

"""Tasks that exist only in the test process: a tracked task (run by the `worker` thread
fixture) to drive the BackgroundJob life cycle through every outcome, and a plain one
that reads a tenant table with no organization bound."""
import time

from celery import shared_task
from sqlalchemy import func, select

from models.core.db import db
from models.dispatch import Job
from models.ops import background_job
from tasks.base import TrackedTask

COUNT_TO = "tests.count_to"
COUNT_JOBS = "tests.count_jobs"


@shared_task(name=COUNT_TO, base=TrackedTask, bind=True, max_retries=2, default_retry_delay=0)
def count_to(self, job_id: str) -> dict:
    """Counts to params["to"], reporting each step. params: `delay` between steps,
    `flaky` (fail that many deliveries with a retryable error), `error` (fail for good)."""
    params = background_job.load(job_id).params
    if self.request.retries < params.get("flaky", 0):
        raise self.retry(exc=ConnectionError("the payment provider timed out"), countdown=0)
    steps = params.get("to", 3)
    for step in range(1, steps + 1):
        time.sleep(params.get("delay", 0))
        background_job.report(job_id, step * 100 // steps, f"Counted {step} of {steps}")
    if params.get("error"):
        raise ValueError(params["error"])
    return {"counted": steps}


@shared_task(name=COUNT_JOBS)
def count_jobs(all_tenants: bool = False) -> int:
    """A plain task (no organization bound) that counts jobs, on purpose across tenants or not."""
    return db.session.scalar(select(func.count(Job.id)).execution_options(all_tenants=all_tenants))

"""Tasks that exist only in the test process: a tracked task (run by the `worker` thread
fixture) to drive the BackgroundJob life cycle through every outcome, and a plain one
that reads a tenant table with no organization bound."""
import time

from celery import shared_task
from sqlalchemy import func, select, text

from models.core import context
from models.core.db import db
from models.dispatch import Customer, Job
from models.identity import Organization
from models.ops import job_runs, outbox
from tasks.base import FlaskTask, TrackedTask
from tasks.retry import policy

COUNT_TO = "tests.count_to"
WRITE_THEN_FAIL = "tests.write_then_fail"
COUNT_JOBS = "tests.count_jobs"


@shared_task(name=COUNT_TO, base=TrackedTask, bind=True, max_retries=2, default_retry_delay=0)
def count_to(self, job_id: str) -> dict:
    """Counts to params["to"], reporting each step. params: `delay` between steps,
    `flaky` (fail that many deliveries with a retryable error), `error` (fail for good)."""
    params = job_runs.load(job_id).params
    if self.request.retries < params.get("flaky", 0):
        raise self.retry(exc=ConnectionError("the payment provider timed out"), countdown=0)
    steps = params.get("to", 3)
    for step in range(1, steps + 1):
        time.sleep(params.get("delay", 0))
        job_runs.report(job_id, step * 100 // steps, f"Counted {step} of {steps}")
    if params.get("error"):
        raise ValueError(params["error"])
    return {"counted": steps}


@shared_task(name=WRITE_THEN_FAIL, base=TrackedTask, bind=True)
def write_then_fail(self, job_id: str) -> dict:
    """Reports progress, adds a customer and enqueues a task, then fails."""
    job_runs.report(job_id, 50, "Halfway")
    db.session.add(Customer(name=f"Written by job {job_id}"))
    db.session.flush()
    outbox.enqueue("maintenance.purge_expired")
    raise ValueError("failed after writing")


@shared_task(name="tests.add_customer", base=FlaskTask)
def add_customer(organization_id: int, name: str, fail: bool = False) -> None:
    """An untracked task that adds a customer of the organization and enqueues a task."""
    with context.acting_as(organization_id=organization_id):
        db.session.add(Customer(name=name))
        db.session.flush()  # stamped with the organization bound here; the task's boundary commits it
        outbox.enqueue("maintenance.purge_expired")
        if fail:
            raise ValueError("failed after writing")


@shared_task(name="tests.rename_organization", base=FlaskTask, bind=True, **policy(time_limit=30))
def rename_organization(self, organization_id: int, name: str) -> None:
    """Renames an organization; the UPDATE is sent by the commit, and waits at most 200 ms for a lock
    (PostgreSQL), so that a row locked elsewhere fails the commit with a transient error."""
    db.session.execute(text("SET LOCAL lock_timeout = '200ms'"))
    db.session.get(Organization, organization_id).name = f"{name} (retried {self.request.retries} times)"


@shared_task(name=COUNT_JOBS)
def count_jobs(all_tenants: bool = False) -> int:
    """A plain task (no organization bound) that counts jobs, on purpose across tenants or not."""
    return db.session.scalar(select(func.count(Job.id)).execution_options(all_tenants=all_tenants))

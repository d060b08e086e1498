"""Start background jobs for tests the way an endpoint does: a row plus its task in the outbox."""
import uuid

from models.core import context, storage
from models.core.db import db
from models.ops import background_job, job_runs
from models.ops.background_job import BackgroundJob
from tests.support.sample_tasks import COUNT_TO


def start_job(tenant, role="admin", kind="test", task=COUNT_TO, **params) -> str:
    with context.acting_as(organization_id=tenant.org_id, user_id=tenant.user_ids[role]):
        job = background_job.start(kind, task, params, created_by=tenant.user_ids[role],
                                   organization_id=tenant.org_id)
        db.session.commit()
    return job.id


def unpublished_job(tenant, role="admin") -> str:
    """A queued job whose task was never published: no worker will touch it."""
    job = BackgroundJob(id=str(uuid.uuid4()), organization_id=tenant.org_id, kind="test", task_name=COUNT_TO,
                        params={}, created_by=tenant.user_ids[role], status="queued", progress=0, attempts=0,
                        lost_deliveries=0)
    db.session.add(job)
    db.session.commit()
    return job.id


def finish_with_file(job_id: str, content: bytes = b"id,title\n1,Fix the boiler\n", name="jobs-2026-11-22.csv") -> str:
    """Run a job's life cycle by hand (as its task would) to a succeeded job with a file."""
    key = f"exports/test/{job_id}.csv"
    with storage.writing(key) as partial:
        partial.write_bytes(content)
    job_runs.begin(job_id, worker="by-hand@test")
    job_runs.attach_artifact(job_id, key, name, len(content))
    job_runs.succeed(job_id, {"rows": 1})
    return key

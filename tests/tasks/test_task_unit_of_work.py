"""One unit of work per task (docs/architecture.md#unit-of-work): a task that returns
is committed once; one that fails leaves nothing behind, its tracked job's progress
and failure aside (they are transactions of their own)."""
import time

import pytest
from sqlalchemy import func, select, text

from models.dispatch import Customer
from models.identity import Organization
from models.ops import job_runs
from models.ops.outbox import OutboxMessage
from tests.support.background import start_job
from tests.support.sample_tasks import WRITE_THEN_FAIL, add_customer, rename_organization
from tests.support.waiting import count_commits, wait_for


def _customers(db, name: str) -> int:
    db.session.rollback()  # a fresh snapshot: what is committed now
    return db.session.scalar(select(func.count(Customer.id)).where(Customer.name == name)
                             .execution_options(all_tenants=True))


def test_a_task_commits_once_when_it_returns_and_keeps_nothing_when_it_fails(db, auth, redis_client):
    org_id = auth.a.org_id
    with count_commits() as commits:
        add_customer(org_id, "Kept")
    assert commits[0] == 1
    with pytest.raises(ValueError):
        add_customer(org_id, "Dropped", fail=True)
    assert _customers(db, "Kept") == 1 and _customers(db, "Dropped") == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert redis_client.llen("maintenance") == 1  # the kept one's task; the failed one's was never sent


def test_a_tracked_task_that_fails_leaves_only_its_job_behind(client, auth, db, worker, redis_client):
    job_id = start_job(auth.a, task=WRITE_THEN_FAIL)
    job = wait_for(lambda: (lambda j: j if j.status == "failed" else None)(job_runs.load(job_id)))
    assert job.error == "ValueError: failed after writing" and job.progress == 50  # its report stayed
    assert _customers(db, f"Written by job {job_id}") == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert redis_client.llen("maintenance") == 0


def test_a_commit_that_fails_with_a_transient_error_is_retried(db, auth, worker):
    """Celery's autoretry covers a task's body; its commit (here: a lock wait that times out) is retried alike."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("lock timeouts are PostgreSQL's")
    with db.engine.connect() as holder:
        holder.execute(text("SELECT id FROM organizations WHERE id = :id FOR UPDATE"), {"id": auth.a.org_id})
        rename_organization.delay(auth.a.org_id, "Renamed")
        time.sleep(1.5)  # the first commit times out meanwhile
        holder.rollback()

    def renamed():
        db.session.rollback()
        return db.session.get(Organization, auth.a.org_id).name.startswith("Renamed")

    wait_for(renamed, timeout=30, interval=0.2)
    assert "(retried 0 times)" not in db.session.get(Organization, auth.a.org_id).name

"""Background work through a real Celery worker on the test Redis."""
from datetime import timedelta

from sqlalchemy import func, select, update

from models.core.db import utcnow
from models.identity.sessions import AuthSession
from models.ops import idempotency, outbox
from models.ops.idempotency import IdempotencyRecord
from models.ops.outbox import OutboxMessage
from tests.support.waiting import wait_for


def expired_idempotency_record(db, user_id):
    idempotency.claim(user_id, "old-key", "fp")
    with db.engine.begin() as conn:
        conn.execute(update(IdempotencyRecord).values(expires_at=utcnow() - timedelta(seconds=1)))


def count(db, model):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_task_enqueued_after_commit_runs_in_the_worker_inside_the_app_context(db, auth, worker):
    user_id = auth.a.user_ids["admin"]
    expired_idempotency_record(db, user_id)
    with db.engine.begin() as conn:  # a session idle for longer than refresh tokens live
        conn.execute(update(AuthSession).where(AuthSession.user_id == user_id)
                     .values(last_used_at=utcnow() - timedelta(days=31)))
    assert count(db, IdempotencyRecord) == 1

    task_id = outbox.enqueue("maintenance.purge_expired")
    db.session.commit()

    assert count(db, OutboxMessage) == 0  # published at once, nothing left behind
    wait_for(lambda: count(db, IdempotencyRecord) == 0)
    db.session.rollback()
    idle = db.session.scalars(select(AuthSession).where(AuthSession.user_id == user_id)).one()
    wait_for(lambda: db.session.refresh(idle) or idle.revoked_at is not None)
    assert idle.revoked_reason == "idle"
    assert task_id



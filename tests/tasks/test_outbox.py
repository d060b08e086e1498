"""The durable outbox: nothing committed is lost, nothing rolled back is sent.
No worker runs in this module, so queued messages stay visible in Redis."""
import json

import redis as redis_lib
from sqlalchemy import func, select

from models.core import context
from models.ops import outbox
from models.ops.outbox import OutboxMessage
from scripts.services import free_port, start_embedded_redis
from tasks import make_celery, publisher
from tasks.maintenance import relay_outbox


def outbox_rows(db):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_a_task_enqueued_while_redis_is_down_is_delivered_once_it_is_back(app, db, celery_app, tmp_path):
    port = free_port()  # nothing listens here yet: the broker is down
    broker = make_celery(app, f"redis://127.0.0.1:{port}/0")
    outbox.set_publisher(publisher(broker))
    try:
        task_id = outbox.enqueue("maintenance.purge_expired")
        db.session.commit()  # the business transaction succeeds regardless

        kept = db.session.get(OutboxMessage, task_id)
        assert kept is not None and kept.attempts == 1 and kept.last_error
        assert relay_outbox.run() == 0  # beat tries again while Redis is still down: kept again
        assert outbox_rows(db) == 1

        url, stop_redis = start_embedded_redis(tmp_path / "redis", port)  # Redis comes back
        try:
            assert relay_outbox.run() == 1
            assert outbox_rows(db) == 0
            queued = redis_lib.Redis.from_url(url).lrange("maintenance", 0, -1)
            assert len(queued) == 1
            message = json.loads(queued[0])
            assert message["headers"]["task"] == "maintenance.purge_expired"
            assert message["headers"]["id"] == task_id  # the outbox id is the task id: duplicates are recognisable
            assert relay_outbox.run() == 0  # delivered once
        finally:
            stop_redis()
    finally:
        outbox.set_publisher(publisher(celery_app))


def test_a_rolled_back_request_enqueues_nothing(client, auth, db, redis_client):
    queued_before = redis_client.llen("maintenance")
    r = client.post("/api/v1/_test/write-then-fail", headers=auth.a.headers("admin"))
    assert r.status_code == 409
    assert outbox_rows(db) == 0
    assert redis_client.llen("maintenance") == queued_before
    assert client.get("/api/v1/users?q=ghost", headers=auth.a.headers("admin")).get_json()["meta"]["total"] == 0


def test_a_committed_enqueue_reaches_the_queue(db, redis_client):
    before = redis_client.llen("maintenance")
    task_id = outbox.enqueue("maintenance.purge_expired")
    db.session.commit()
    assert outbox_rows(db) == 0
    ids = [json.loads(m)["headers"]["id"] for m in redis_client.lrange("maintenance", 0, -1)]
    assert redis_client.llen("maintenance") == before + 1 and task_id in ids
    redis_client.delete("maintenance")


def test_a_task_relayed_after_an_outage_still_carries_the_request_id_that_enqueued_it(app, db, celery_app,
                                                                                     redis_client):
    outbox.set_publisher(publisher(make_celery(app, f"redis://127.0.0.1:{free_port()}/0")))  # Redis is down
    try:
        with context.acting_as(request_id="req-during-outage"):
            task_id = outbox.enqueue("maintenance.purge_expired")
            db.session.commit()
    finally:
        outbox.set_publisher(publisher(celery_app))  # ...and back
    assert outbox_rows(db) == 1

    assert relay_outbox.run() == 1

    [message] = [json.loads(m) for m in redis_client.lrange("maintenance", 0, -1)
                 if json.loads(m)["headers"]["id"] == task_id]
    assert message["headers"]["request_id"] == "req-during-outage"
    redis_client.delete("maintenance")


def test_work_for_later_waits_in_the_outbox_and_goes_to_the_broker_only_when_nearly_due(db, redis_client):
    from datetime import timedelta

    from models.core.db import utcnow

    queued_before = redis_client.llen("maintenance")
    soon = outbox.enqueue_at(utcnow() + timedelta(seconds=30), "maintenance.purge_expired")
    later = outbox.enqueue_at(utcnow() + outbox.ETA_HORIZON + timedelta(hours=2), "maintenance.purge_expired")
    db.session.commit()

    messages = [json.loads(m) for m in redis_client.lrange("maintenance", 0, -1)]
    assert len(messages) == queued_before + 1
    sent = next(m for m in messages if m["headers"]["id"] == soon)
    assert sent["headers"]["eta"]  # the broker holds it until then
    assert db.session.get(OutboxMessage, soon) is None

    assert not outbox.has_pending(older_than=timedelta(0))  # two hours ahead: beat has nothing to relay yet
    assert outbox.relay_pending(older_than=timedelta(0)) == 0
    assert db.session.get(OutboxMessage, later) is not None
    db.session.rollback()
    db.session.execute(OutboxMessage.__table__.update().where(OutboxMessage.id == later)
                       .values(not_before=utcnow() + timedelta(seconds=5)))  # ...two hours pass
    db.session.commit()
    assert outbox.relay_pending(older_than=timedelta(0)) == 1
    assert outbox_rows(db) == 0
    redis_client.delete("maintenance")

"""System health: what an operator sees at `GET /admin/system/health`.

Order matters in this module: the tests that need no live worker come first;
the worker process (module-scoped) starts with the first test that asks for it
and serves every later test."""
import os
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest

from models.core.db import utcnow
from models.ops import outbox
from models.ops.outbox import OutboxMessage
from tasks import inspection
from tests.support.processes import QUEUES, ROOT, process_env, stop
from tests.support.waiting import wait_for

URL = "/api/v1/admin/system/health"


def health(client, tenant, role="admin"):
    response = client.get(URL, headers=tenant.headers(role))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


@pytest.fixture
def broker(celery_app):
    return inspection.broker_client(celery_app)


def test_only_roles_with_system_health_may_read_it(client, auth):
    assert client.get(URL, headers=auth.a.headers("dispatcher")).status_code == 403
    assert client.get(URL).status_code == 401


def test_without_a_live_worker_health_is_degraded_and_says_why(client, auth, db, broker):
    broker.delete(inspection.BEAT_LAST_RUN_KEY)
    outbox.enqueue("maintenance.purge_expired")  # published at commit; nobody consumes it
    db.session.commit()

    report = health(client, auth.a)

    assert report["status"] == "degraded"
    assert report["workers"] == []
    assert report["database"]["ok"] and report["database"]["backend"] == db.engine.dialect.name
    assert report["redis"]["ok"] and report["redis"]["used_memory_bytes"] > 0
    queues = {queue["name"]: queue for queue in report["queues"]}
    assert sorted(queues) == sorted(QUEUES)
    assert queues["maintenance"]["length"] == 1 and queues["maintenance"]["consumers"] == 0
    assert queues["exports"]["length"] == 0
    assert report["beat"]["stale"] and report["beat"]["last_run_at"] is None
    assert any("No Celery worker is alive" in problem for problem in report["problems"])
    assert any("Beat" in problem for problem in report["problems"])
    assert report["disk"]["ok"] and report["disk"]["total_bytes"] >= report["disk"]["free_bytes"] > 0
    assert report["outbox"] == {"pending": 0, "oldest_age_seconds": None, "backlogged": False}


def test_an_unreachable_redis_is_reported_as_down_not_an_error(client, auth, celery_app, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")  # nothing listens there

    report = health(client, auth.a)

    assert report["status"] == "down"
    assert report["redis"]["ok"] is False and report["redis"]["error"]
    assert report["queues"] is None and report["workers"] is None and report["beat"] is None
    assert report["database"]["ok"]
    assert report["problems"][0] == "Redis (broker) is unreachable"


@pytest.fixture
def beat_process(app, tmp_path):
    """A real `celery beat`, as the Procfile runs it, with its schedule file in a temp dir."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "web.worker", "beat", "--loglevel=WARNING",
         "--schedule", str(tmp_path / "celerybeat-schedule")],
        env=process_env(app), cwd=ROOT,
    )
    yield proc
    stop(proc)


def test_health_names_the_running_worker_and_sees_beat(client, auth, broker, worker_process, beat_process):
    broker.delete(inspection.BEAT_LAST_RUN_KEY)
    worker_name = f"test-worker-{os.getpid()}@"

    report = wait_for(lambda: (lambda r: r if r["beat"]["last_run_at"] else None)(health(client, auth.a)),
                      timeout=30, interval=0.3)

    assert report["status"] == "ok", report["problems"]
    assert report["problems"] == []
    workers = [worker for worker in report["workers"] if worker["name"].startswith(worker_name)]
    assert len(workers) == 1, report["workers"]
    assert workers[0]["queues"] == sorted(QUEUES) and workers[0]["active_tasks"] == 0
    assert workers[0]["pid"] == worker_process.pid
    assert all(queue["consumers"] >= 1 for queue in report["queues"])
    assert report["beat"]["stale"] is False and report["beat"]["age_seconds"] < report["beat"]["stale_after_seconds"]


def test_an_old_outbox_backlog_degrades_health(client, auth, db, broker, worker_process):
    inspection.record_beat_run(broker)  # beat is fine: the outbox is the one problem
    with db.engine.begin() as conn:  # a task whose publish failed five minutes ago, not relayed since
        conn.execute(OutboxMessage.__table__.insert().values(
            id=str(uuid.uuid4()), task_name="maintenance.purge_expired", args=[], kwargs={},
            created_at=utcnow() - timedelta(minutes=5), attempts=1, last_error="Connection refused"))

    report = health(client, auth.a)

    assert report["status"] == "degraded"
    assert report["outbox"]["pending"] == 1 and report["outbox"]["backlogged"]
    assert report["outbox"]["oldest_age_seconds"] >= 300
    assert len(report["problems"]) == 1 and "outbox" in report["problems"][0]

"""Beat's scheduler (the one celeryconfig names, run here tick by tick as `celery
beat` runs it) sends the outbox relay and the stalled-job reaper only when they
have something to do: an idle system shows no relay in Flower every 10 s, and a
task left in the outbox while Redis was down is still relayed and run."""
from datetime import timedelta

import pytest
from celery.signals import after_task_publish
from celery.utils.imports import symbol_by_name

from models.ops import job_runs, outbox
from scripts.services import free_port
from tasks import inspection, make_celery, publisher
from tests.support.background import start_job, unpublished_job
from tests.support.waiting import wait_for

RELAY, REAPER = "relay-outbox", "reap-stalled-jobs"


@pytest.fixture
def beat(celery_app, tmp_path):
    """The configured scheduler, with a fresh schedule file, and the tasks it sent."""
    scheduler = symbol_by_name(celery_app.conf.beat_scheduler)(app=celery_app,
                                                               schedule_filename=str(tmp_path / "schedule"))
    sent = []

    def record(sender=None, **_):
        sent.append(sender)

    after_task_publish.connect(record, weak=False)
    try:
        yield scheduler, sent
    finally:
        after_task_publish.disconnect(record)
        scheduler.close()


def run_due(scheduler, *names):
    """Make the named entries due (their period passed) and let beat handle every due entry."""
    for name in names:
        entry = scheduler.schedule[name]
        entry.last_run_at = entry.default_now() - timedelta(hours=2)
    scheduler._heap = None  # re-read the schedule, as beat does when it changes
    while scheduler.tick() == 0:  # 0: it handled one due entry, ask again
        pass


def test_an_idle_beat_sends_neither_the_relay_nor_the_reaper_but_still_counts_as_running(beat, app, db,
                                                                                        redis_client):
    scheduler, sent = beat
    redis_client.delete(inspection.BEAT_LAST_RUN_KEY)

    run_due(scheduler, RELAY, REAPER)

    assert "maintenance.relay_outbox" not in sent and "maintenance.reap_stalled_jobs" not in sent
    assert inspection.beat_status(redis_client, app.extensions["celery"])["stale"] is False


def test_a_task_left_in_the_outbox_while_redis_was_down_is_relayed_by_beat(beat, app, db, auth, celery_app,
                                                                           worker):
    scheduler, sent = beat
    outbox.set_publisher(publisher(make_celery(app, f"redis://127.0.0.1:{free_port()}/0")))  # Redis is down
    try:
        job_id = start_job(auth.a, to=2)
    finally:
        outbox.set_publisher(publisher(celery_app))  # ...and back
    assert job_runs.load(job_id).status == "queued"

    run_due(scheduler, RELAY)

    assert "maintenance.relay_outbox" in sent
    wait_for(lambda: job_runs.load(job_id).status == "succeeded", timeout=20)
    assert job_runs.load(job_id).attempts == 1


def test_beat_sends_the_reaper_once_a_running_job_falls_silent(beat, app, db, auth, monkeypatch):
    scheduler, sent = beat
    monkeypatch.setitem(app.config, "REAPER_GRACE_SECONDS", 60)
    job_id = unpublished_job(auth.a)
    job_runs.begin(job_id, worker="gone@nowhere")

    run_due(scheduler, REAPER)
    assert "maintenance.reap_stalled_jobs" not in sent  # it reported a moment ago

    monkeypatch.setitem(app.config, "REAPER_GRACE_SECONDS", 0)
    run_due(scheduler, REAPER)
    assert "maintenance.reap_stalled_jobs" in sent

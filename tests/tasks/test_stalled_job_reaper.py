"""The stalled-job reaper with real worker processes, started as the Procfile starts
them (prefork, one pool process, so a live worker answers while it works).

A worker machine that dies mid-export (parent and pool process SIGKILLed
together) leaves its job `running` and its message unacknowledged, which the
broker would hand out again only after its visibility timeout (2 h). The reaper
run by beat hands the job out again once it has been silent for the grace, and
the export finishes once on another worker. A live worker's busy job is left alone.

A module of its own: its workers must be the only consumers of their queues."""
import os
import signal
import subprocess
import sys

import pytest

from models.ops import job_runs
from tasks.maintenance import reap_stalled_jobs
from tests.support.dispatch import Board
from tests.support.exports import bulk_jobs, export_files, finished, listed, start
from tests.support.processes import ROOT, process_env, stop
from tests.support.waiting import wait_for

ROWS = 100_000  # several seconds of work: time to see it under way and kill it
REAPER = {"REAPER_INTERVAL_SECONDS": "1", "REAPER_GRACE_SECONDS": "2"}


@pytest.fixture
def processes():
    """Start real worker and beat processes; all stopped at the end of the test."""
    started = []

    def spawn(app, args, ready=None, **env):
        proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "web.worker", "--quiet", *args],
                                env=process_env(app, **env), cwd=ROOT, start_new_session=True,
                                stdout=subprocess.DEVNULL)
        started.append(proc)
        if ready:
            wait_for(lambda: proc.poll() is None and ready(), 60, interval=0.2)
        return proc

    def worker(app, name, queues, **env):
        hostname = f"{name}-{os.getpid()}@test"
        celery = app.extensions["celery"]
        spawn(app, ["worker", "--pool=prefork", "--concurrency=1", "--loglevel=WARNING", "-Q", queues,
                    "--hostname", hostname, "--without-mingle", "--without-gossip"],
              ready=lambda: celery.control.inspect([hostname], timeout=0.5).ping(), **env)
        return started[-1]

    def beat(app, schedule, **env):
        return spawn(app, ["beat", "--loglevel=WARNING", "--schedule", str(schedule)], **env)

    yield worker, beat
    for proc in started:
        if proc.poll() is None:
            stop(proc)


def test_an_export_whose_worker_machine_died_is_handed_out_again_and_finishes_once(client, auth, db, app, processes,
                                                                                  tmp_path):
    start_worker, start_beat = processes
    bulk_jobs(db, auth.a.org_id, Board(client, auth.a).customer("Acme")["id"], ROWS)
    doomed = start_worker(app, "doomed", "exports")
    job_id = start(client, auth.a).get_json()["data"]["job_id"]
    wait_for(lambda: listed(client, auth.a, job_id)["progress"] > 0, timeout=60)
    os.killpg(doomed.pid, signal.SIGKILL)  # the machine is gone: parent and pool process at once
    doomed.wait(timeout=10)
    assert listed(client, auth.a, job_id)["status"] == "running"  # as far as the row can tell

    start_worker(app, "replacement", "exports,maintenance", **REAPER)
    start_beat(app, tmp_path / "celerybeat-schedule", **REAPER)
    job = finished(client, auth.a, job_id, timeout=60)

    assert job["status"] == "succeeded" and job["attempts"] == 2, job  # the lost delivery and the one handed out
    assert job["worker"].startswith("replacement-") and job["result"]["rows"] == ROWS
    download = client.get(job["download_url"], headers=auth.a.headers())
    assert download.data.count(b"\r\n") == ROWS + 1  # the header and every row, once
    assert export_files(app, auth.a.org_id, job_id) == [f"{job_id}.csv"]  # the dead writer's partial is gone
    row = job_runs.load(job_id)
    assert row.republished >= 1 and row.lost_deliveries == 1


def test_a_busy_job_on_a_live_worker_is_not_handed_out_again(client, auth, db, app, processes, monkeypatch):
    start_worker, _ = processes
    bulk_jobs(db, auth.a.org_id, Board(client, auth.a).customer("Acme")["id"], ROWS)
    start_worker(app, "busy", "exports")
    job_id = start(client, auth.a).get_json()["data"]["job_id"]
    wait_for(lambda: listed(client, auth.a, job_id)["progress"] > 0, timeout=60)
    # No grace at all: only the worker's answer (it holds the task) keeps the job from being taken for stalled.
    monkeypatch.setitem(app.config, "REAPER_GRACE_SECONDS", 0)
    monkeypatch.setitem(app.config, "REAPER_INSPECT_TIMEOUT", 3.0)

    assert reap_stalled_jobs() == {"alive": 1}

    job = finished(client, auth.a, job_id, timeout=60)
    assert job["status"] == "succeeded" and job["attempts"] == 1 and job["worker"].startswith("busy-")
    assert job_runs.load(job_id).republished == 0

"""A worker killed with SIGKILL in the middle of an export: the prefork
parent replaces its pool process, the broker hands the unacknowledged message out
again (acks_late, reject_on_worker_lost) and the export finishes once.

A module of its own: its worker process must be the only consumer of the queue."""
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.dispatch import Board
from tests.support.exports import bulk_jobs, export_files, finished, listed, start
from tests.support.processes import ROOT, process_env, stop
from tests.support.waiting import wait_for

ROWS = 100_000  # several seconds of work: time to see it under way and kill it


def pool_processes(parent_pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if ppid == parent_pid:
            children.append(int(stat.parent.name))
    return children


@pytest.fixture(scope="module")
def prefork_worker(app):
    """`celery worker --pool=prefork --concurrency=1` as deployed: one parent, one pool process."""
    hostname = f"prefork-{os.getpid()}@test"
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "web.worker", "worker", "--pool=prefork", "--concurrency=1",
         "--loglevel=WARNING", "-Q", "exports", "--hostname", hostname, "--without-mingle", "--without-gossip"],
        env=process_env(app), cwd=ROOT)
    celery = app.extensions["celery"]
    try:
        wait_for(lambda: proc.poll() is None and celery.control.inspect([hostname], timeout=0.5).ping(), 60)
        wait_for(lambda: len(pool_processes(proc.pid)) == 1, 30)
        yield proc
    finally:
        stop(proc)


def test_an_export_whose_worker_is_killed_midway_is_redelivered_and_finishes_once(client, auth, db, app,
                                                                                 prefork_worker):
    bulk_jobs(db, auth.a.org_id, Board(client, auth.a).customer("Acme")["id"], ROWS)
    job_id = start(client, auth.a).get_json()["data"]["job_id"]
    wait_for(lambda: listed(client, auth.a, job_id)["progress"] > 0, timeout=60)

    [pool_process] = pool_processes(prefork_worker.pid)
    os.kill(pool_process, signal.SIGKILL)

    job = finished(client, auth.a, job_id, timeout=90)
    assert job["status"] == "succeeded" and job["attempts"] == 2, job
    assert job["result"]["rows"] == ROWS
    download = client.get(job["download_url"], headers=auth.a.headers())
    assert download.data.count(b"\r\n") == ROWS + 1  # the header and every row, once
    assert export_files(app, auth.a.org_id, job_id) == [f"{job_id}.csv"]  # one file, no partial left behind
    assert prefork_worker.poll() is None
    assert pool_processes(prefork_worker.pid) not in ([], [pool_process])  # the parent replaced its pool process

"""A whole worker machine dies mid-export: parent and pool processes
SIGKILLed together, so nobody hands the message back. The Redis broker keeps it
unacknowledged; a worker started after BROKER_VISIBILITY_TIMEOUT takes it up
again and the export finishes once.

A module of its own: its workers must be the only consumers of the queue."""
import os
import signal
import time

from tests.support.dispatch import Board
from tests.support.exports import bulk_jobs, export_files, finished, listed, start
from tests.support.processes import start_worker_machine, stop
from tests.support.waiting import wait_for

ROWS = 100_000  # several seconds of work: time to see it under way and kill it
VISIBILITY_SECONDS = 3


def start_worker(app, name):
    return start_worker_machine(app, name, ["exports"], BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_SECONDS))


def test_an_export_whose_worker_machine_died_finishes_once_on_a_new_worker(client, auth, db, app):
    bulk_jobs(db, auth.a.org_id, Board(client, auth.a).customer("Acme")["id"], ROWS)
    first = start_worker(app, "doomed")
    try:
        job_id = start(client, auth.a).get_json()["data"]["job_id"]
        wait_for(lambda: listed(client, auth.a, job_id)["progress"] > 0, timeout=60)
        os.killpg(first.pid, signal.SIGKILL)  # the machine is gone: parent and pool process at once
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            stop(first)
    assert listed(client, auth.a, job_id)["status"] == "running"  # as far as anyone can tell

    time.sleep(VISIBILITY_SECONDS + 1)  # the broker holds the message until its visibility timeout passes
    second = start_worker(app, "replacement")
    try:
        job = finished(client, auth.a, job_id, timeout=90)
    finally:
        stop(second)
    assert job["status"] == "succeeded" and job["attempts"] == 2, job
    assert job["worker"].startswith("replacement-") and job["result"]["rows"] == ROWS
    download = client.get(job["download_url"], headers=auth.a.headers())
    assert download.data.count(b"\r\n") == ROWS + 1  # the header and every row, once
    assert export_files(app, auth.a.org_id, job_id) == [f"{job_id}.csv"]  # the dead writer's partial is gone

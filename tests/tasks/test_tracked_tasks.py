"""A BackgroundJob follows its task through a real Celery worker: running with
its worker and attempt count, progress, succeeded with the result, failed with
the error, retried a finite number of times, cancelled while running."""
from models.ops import job_runs
from models.ops.background_job import MAX_LOST_DELIVERIES
from tests.support.background import start_job, unpublished_job
from tests.support.waiting import wait_for

URL = "/api/v1/admin/jobs"


def poll(client, tenant, job_id, until=("succeeded", "failed", "cancelled"), timeout=20):
    def finished():
        job = client.get(f"{URL}/{job_id}", headers=tenant.headers()).get_json()["data"]
        return job if job["status"] in until else None
    return wait_for(finished, timeout=timeout, interval=0.1)


def test_a_job_runs_to_succeeded_with_its_result_worker_and_timestamps(client, auth, db, worker):
    job_id = start_job(auth.a, to=4)
    job = poll(client, auth.a, job_id)
    assert job["status"] == "succeeded" and job["progress"] == 100 and job["result"] == {"counted": 4}
    assert job["attempts"] == 1 and job["error"] is None
    assert job["worker"]  # the node name under `celery worker`; this in-process test worker reports its host only
    assert job["created_at"] <= job["started_at"] <= job["finished_at"]


def test_a_failing_job_ends_failed_with_its_error(client, auth, db, worker):
    job_id = start_job(auth.a, to=2, error="the archive is corrupt")
    job = poll(client, auth.a, job_id)
    assert job["status"] == "failed" and job["attempts"] == 1
    assert job["error"] == "ValueError: the archive is corrupt"
    assert job["progress"] == 100 and job["finished_at"]  # how far it got before failing


def test_transient_errors_are_retried_then_the_job_succeeds(client, auth, db, worker):
    job_id = start_job(auth.a, to=1, flaky=2)  # fails twice, max_retries=2
    job = poll(client, auth.a, job_id)
    assert job["status"] == "succeeded" and job["attempts"] == 3


def test_a_job_that_exhausts_its_retries_is_failed_with_its_error_and_attempts(client, auth, db, worker):
    job_id = start_job(auth.a, to=1, flaky=5)
    job = poll(client, auth.a, job_id)
    assert job["status"] == "failed" and job["attempts"] == 3  # the first try and two retries
    assert job["error"] == "ConnectionError: the payment provider timed out"


def test_cancelling_a_running_job_stops_it_within_seconds(client, auth, db, worker):
    job_id = start_job(auth.a, to=400, delay=0.05)  # 20 s if left alone
    wait_for(lambda: job_runs.load(job_id).progress > 0)
    r = client.post(f"{URL}/{job_id}/cancel", headers=auth.a.headers())
    assert r.status_code == 200 and r.get_json()["data"]["cancel_requested"] is True
    assert r.get_json()["data"]["status"] == "running"  # it stops itself, at its next report
    job = poll(client, auth.a, job_id, timeout=5)
    assert job["status"] == "cancelled" and job["progress"] < 100 and job["result"] is None


def test_a_job_whose_worker_keeps_dying_is_given_up(db, auth):
    """Each delivery that finds the job still `running` knows its worker died (OOM,
    SIGKILL); after MAX_LOST_DELIVERIES it fails instead of taking workers down forever."""
    job_id = unpublished_job(auth.a)
    assert job_runs.begin(job_id, worker="w@test") is not None  # ...and the worker dies
    for lost in range(MAX_LOST_DELIVERIES - 1):
        assert job_runs.begin(job_id, worker="w@test") is not None  # redelivered; dies again
    assert job_runs.begin(job_id, worker="w@test") is None
    job = job_runs.load(job_id)
    assert job.status == "failed" and "worker was lost" in job.error and job.attempts == MAX_LOST_DELIVERIES


def test_only_the_latest_delivery_can_end_a_job(db, auth):
    """A retry (or a redelivery) picked up while the previous delivery is still
    winding down: the old one's late outcome is fenced out."""
    job_id = unpublished_job(auth.a)
    first = job_runs.begin(job_id, worker="w1@test").attempts
    second = job_runs.begin(job_id, worker="w2@test").attempts
    job_runs.requeue(job_id, "ConnectionError", attempt=first)
    job_runs.fail(job_id, "too late", attempt=first)
    assert job_runs.load(job_id).status == "running"
    job_runs.succeed(job_id, {"ok": True}, attempt=second)
    job = job_runs.load(job_id)
    assert job.status == "succeeded" and job.worker == "w2@test" and job.error is None


def test_cancelling_a_job_its_live_worker_no_longer_has_ends_it_at_once(client, auth, db, worker):
    """Marked running by a worker that is up but does not hold it (its pool process
    died and the message is waiting out the broker's visibility timeout)."""
    job_id = unpublished_job(auth.a)
    job_runs.begin(job_id, worker=worker.hostname)
    wait_for(lambda: client.get(f"{URL}/{job_id}", headers=auth.a.headers()).get_json()["data"]["celery_state"]
             == "LOST", timeout=10, interval=0.2)

    def cancel():  # asked again if the worker was too slow to answer (celery_state unknown)
        r = client.post(f"{URL}/{job_id}/cancel", headers=auth.a.headers())
        assert r.status_code == 200
        return r.get_json()["data"]["status"] == "cancelled"

    wait_for(cancel, timeout=10, interval=0.2)

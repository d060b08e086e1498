"""What the stalled-job reaper does with each kind of silent running job, judged
against a real worker (the in-process one, which answers while idle): a job its
live worker no longer holds is handed out again and finishes once; a cancel asked
for is honoured; a job whose workers keep dying is given up; a copy handed out
after another delivery took the job runs nothing."""
import pytest

from models.ops import job_runs
from models.ops.background_job import MAX_LOST_DELIVERIES
from tasks.maintenance import reap_stalled_jobs
from tests.support.background import unpublished_job
from tests.support.waiting import wait_for

URL = "/api/v1/admin/jobs"


@pytest.fixture
def no_grace(app, monkeypatch):
    """Every running job counts as silent at once; only the workers' answers decide."""
    monkeypatch.setitem(app.config, "REAPER_GRACE_SECONDS", 0)
    monkeypatch.setitem(app.config, "REAPER_INSPECT_TIMEOUT", 2.0)


def detail(client, tenant, job_id):
    return client.get(f"{URL}/{job_id}", headers=tenant.headers()).get_json()["data"]


def test_a_job_its_live_worker_no_longer_holds_is_handed_out_again_and_finishes_once(client, auth, db, worker,
                                                                                      no_grace):
    job_id = unpublished_job(auth.a)
    job_runs.begin(job_id, worker=worker.hostname)  # its pool process died; the message is gone

    assert reap_stalled_jobs() == {"republished": 1}

    job = wait_for(lambda: (lambda j: j if j["status"] == "succeeded" else None)(detail(client, auth.a, job_id)),
                   timeout=20, interval=0.1)
    assert job["attempts"] == 2 and job["result"] == {"counted": 3}
    row = job_runs.load(job_id)
    assert row.republished == 1 and row.lost_deliveries == 1


def test_a_silent_job_whose_worker_is_gone_and_whose_cancel_was_asked_for_ends_cancelled(client, auth, db, worker,
                                                                                         no_grace):
    job_id = unpublished_job(auth.a)
    job_runs.begin(job_id, worker="gone@nowhere")
    r = client.post(f"{URL}/{job_id}/cancel", headers=auth.a.headers())
    assert r.status_code == 200 and r.get_json()["data"]["status"] == "running"  # nobody is there to stop it

    assert reap_stalled_jobs() == {"cancelled": 1}

    job = detail(client, auth.a, job_id)
    assert job["status"] == "cancelled" and job["message"] == "Cancelled; its worker had lost it"


def test_a_job_whose_workers_keep_dying_is_given_up_instead_of_handed_out(client, auth, db, worker, no_grace):
    job_id = unpublished_job(auth.a)
    for _ in range(MAX_LOST_DELIVERIES):  # the first delivery and each redelivery died with their worker
        job_runs.begin(job_id, worker="gone@nowhere")

    assert reap_stalled_jobs() == {"failed": 1}

    job = detail(client, auth.a, job_id)
    assert job["status"] == "failed" and "worker was lost each time" in job["error"]


def test_a_copy_handed_out_after_another_delivery_took_the_job_runs_nothing(db, auth):
    """The reaper handed the job out twice (it ran again before the first copy was
    picked up): the first copy takes the job, the second finds it taken."""
    job_id = unpublished_job(auth.a)
    first = job_runs.begin(job_id, worker="w1@test")

    taken = job_runs.begin(job_id, worker="w2@test", supersedes=first.attempts)
    assert taken is not None and taken.attempts == 2
    assert job_runs.begin(job_id, worker="w3@test", supersedes=first.attempts) is None
    row = job_runs.load(job_id)
    assert (row.attempts, row.lost_deliveries, row.worker) == (2, 1, "w2@test")

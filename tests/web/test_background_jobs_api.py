"""The admin jobs API without a worker: jobs stay queued until we
move them by hand, so every rule can be checked in any state."""
from datetime import timedelta

import pytest
from sqlalchemy import update

from models.core import context, storage
from models.core.db import utcnow
from models.core.errors import Conflict
from models.ops import background_job, job_runs
from models.ops.background_job import BackgroundJob
from tasks.maintenance import purge_expired
from tests.support.background import finish_with_file, start_job

URL = "/api/v1/admin/jobs"


def get(client, tenant, path="", role="admin", **query):
    return client.get(f"{URL}{path}", headers=tenant.headers(role), query_string=query)


def test_a_started_job_is_listed_queued_with_its_celery_state_pending(client, auth, db):
    job_id = start_job(auth.a, to=3)
    listing = get(client, auth.a)
    assert listing.status_code == 200
    body = listing.get_json()
    assert body["meta"]["total"] == 1
    row = body["data"][0]
    assert row["id"] == job_id and row["status"] == "queued" and row["progress"] == 0
    assert row["kind"] == "test" and row["params"] == {"to": 3} and row["attempts"] == 0
    assert row["created_by"] == auth.a.user_ids["admin"] and row["created_at"].endswith("Z")
    assert row["download_url"] is None and row["cancel_requested"] is False

    detail = get(client, auth.a, f"/{job_id}").get_json()["data"]
    assert detail["celery_state"] == "PENDING"  # in the broker's queue, no worker holds it


def test_list_filters_by_kind_and_status(client, auth, db):
    export = start_job(auth.a, kind="export")
    start_job(auth.a, kind="backup")
    finish_with_file(export)
    assert [j["id"] for j in get(client, auth.a, kind="export").get_json()["data"]] == [export]
    assert get(client, auth.a, status="queued").get_json()["meta"]["total"] == 1
    assert get(client, auth.a, status="queued,succeeded").get_json()["meta"]["total"] == 2
    bad = get(client, auth.a, status="exploded")
    assert bad.status_code == 422 and "status" in bad.get_json()["error"]["details"]


def test_cancelling_a_queued_job_ends_it_at_once_and_a_finished_one_is_409(client, auth, db):
    job_id = start_job(auth.a)
    r = client.post(f"{URL}/{job_id}/cancel", headers=auth.a.headers())
    assert r.status_code == 200
    assert r.get_json()["data"]["status"] == "cancelled" and r.get_json()["data"]["finished_at"]
    again = client.post(f"{URL}/{job_id}/cancel", headers=auth.a.headers())
    assert again.status_code == 409 and again.get_json()["error"]["details"] == {"status": "cancelled"}
    assert job_runs.begin(job_id, worker="late@test") is None  # a worker that gets it anyway skips it
    assert job_runs.load(job_id).attempts == 0


def test_delete_is_refused_while_unfinished_and_removes_the_file_once_finished(client, auth, db):
    job_id = start_job(auth.a)
    refused = client.delete(f"{URL}/{job_id}", headers=auth.a.headers())
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "CONFLICT"
    job_runs.begin(job_id, worker="w@test")  # running: still refused
    assert client.delete(f"{URL}/{job_id}", headers=auth.a.headers()).status_code == 409

    key = finish_with_file(job_id)
    assert storage.path_of(key).is_file()
    assert client.delete(f"{URL}/{job_id}", headers=auth.a.headers()).status_code == 204
    assert not storage.path_of(key).exists()
    assert get(client, auth.a, f"/{job_id}").status_code == 404


def test_download_serves_the_file_of_a_succeeded_job(client, auth, db):
    job_id = start_job(auth.a)
    assert get(client, auth.a, f"/{job_id}/download").status_code == 409  # not finished yet
    finish_with_file(job_id, b"id,title\n1,Fix the boiler\n")
    detail = get(client, auth.a, f"/{job_id}").get_json()["data"]
    assert detail["status"] == "succeeded" and detail["progress"] == 100 and detail["result"] == {"rows": 1}
    assert detail["celery_state"] == "SUCCESS" and detail["worker"] == "by-hand@test"
    assert detail["download_url"] == f"{URL}/{job_id}/download" and detail["file_name"] == "jobs-2026-11-22.csv"
    download = client.get(detail["download_url"], headers=auth.a.headers())
    assert download.status_code == 200 and download.data == b"id,title\n1,Fix the boiler\n"
    assert 'filename=jobs-2026-11-22.csv' in download.headers["Content-Disposition"]


def test_a_finished_job_without_a_file_has_nothing_to_download(client, auth, db):
    job_id = start_job(auth.a)
    job_runs.begin(job_id, worker="w@test")
    job_runs.succeed(job_id, {"ok": True})
    r = get(client, auth.a, f"/{job_id}/download")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("method, path", [("get", ""), ("post", "/cancel"), ("delete", ""), ("get", "/download")])
def test_another_organizations_job_is_404(client, auth, db, method, path):
    job_id = start_job(auth.a)
    r = getattr(client, method)(f"{URL}/{job_id}{path}", headers=auth.b.headers())
    assert r.status_code == 404
    assert job_runs.load(job_id).status == "queued"


def test_without_jobs_background_one_sees_only_the_jobs_one_started(client, auth, db):
    mine = start_job(auth.a, role="dispatcher")
    theirs = start_job(auth.a, role="admin")
    assert [j["id"] for j in get(client, auth.a, role="dispatcher").get_json()["data"]] == [mine]
    assert get(client, auth.a, f"/{theirs}", role="dispatcher").status_code == 404
    assert client.post(f"{URL}/{theirs}/cancel", headers=auth.a.headers("dispatcher")).status_code == 404
    assert get(client, auth.a, role="admin").get_json()["meta"]["total"] == 2  # admins see everyone's
    for role in ("technician", "customer"):
        assert get(client, auth.a, role=role).status_code == 403


def test_housekeeping_purges_old_finished_jobs_and_their_files_but_keeps_backups(client, auth, db):
    old_export, old_backup = start_job(auth.a, kind="export"), start_job(auth.a, kind="backup")
    recent = start_job(auth.b, kind="export")
    keys = {job_id: finish_with_file(job_id) for job_id in (old_export, old_backup, recent)}
    unfinished = start_job(auth.a)
    with db.engine.begin() as conn:
        conn.execute(update(BackgroundJob).where(BackgroundJob.id.in_([old_export, old_backup, unfinished]))
                     .values(finished_at=utcnow() - timedelta(days=60), created_at=utcnow() - timedelta(days=60)))

    assert purge_expired()["background_jobs"] == 1
    assert job_runs.load(old_export) is None and not storage.path_of(keys[old_export]).exists()
    for kept in (old_backup, recent, unfinished):
        assert job_runs.load(kept) is not None
    assert storage.path_of(keys[old_backup]).is_file() and storage.path_of(keys[recent]).is_file()


def test_a_cancel_racing_the_worker_never_overwrites_a_finished_job(auth, db):
    job_id = start_job(auth.a)
    with context.acting_as(organization_id=auth.a.org_id):  # as the API, for organization a
        seen = db.session.get(BackgroundJob, job_id)  # the API has read it queued...
        attempt = job_runs.begin(job_id, worker="w@test").attempts  # ...the worker runs it to the end
        job_runs.succeed(job_id, {"rows": 3}, attempt)
        with pytest.raises(Conflict):
            background_job.cancel(seen)
        db.session.rollback()
    job = job_runs.load(job_id)
    assert job.status == "succeeded" and job.result == {"rows": 3} and job.cancel_requested_at is None

"""Signed links to stored files: `<img src>` and downloads without a bearer header, refused
(403) when tampered with or expired, and not found once what they point at is gone."""
import time

import pytest

from tests.support.background import finish_with_file, unpublished_job
from tests.support.photos import accepted, make_job, noise_jpeg, processed, upload


@pytest.fixture
def photo(app, client, auth, worker):
    """A processed photo of a job of tenant a, as the job's detail lists it."""
    job_id = make_job(app, auth.a)
    processed(app, accepted(upload(client, auth.a, job_id, noise_jpeg()))["id"])
    detail = client.get(f"/api/v1/jobs/{job_id}", headers=auth.a.headers("dispatcher")).get_json()["data"]
    return detail["attachments"][0]


def refused(response, reason):
    assert response.status_code == 403, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "FORBIDDEN" and error["details"]["reason"] == reason
    return error


def test_a_photo_link_serves_the_image_without_a_bearer_header(client, auth, photo):
    assert photo["url"].startswith("/api/v1/files/photo/") and photo["thumbnail_url"] != photo["url"]
    headers = auth.a.headers("dispatcher")
    for link, variant in ((photo["url"], "web"), (photo["thumbnail_url"], "thumb")):
        served = client.get(link)  # no Authorization header at all
        assert served.status_code == 200 and served.mimetype == "image/jpeg"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert "private" in served.headers["Cache-Control"] and "public" not in served.headers["Cache-Control"]
        assert served.headers["Content-Disposition"].startswith("inline")
        assert served.data == client.get(photo["urls"][variant], headers=headers).data


def test_the_access_log_keeps_no_link_token(client, photo, caplog):
    token = photo["url"].rsplit("/", 1)[1]
    with caplog.at_level("INFO", logger="fieldops.access"):
        assert client.get(photo["url"]).status_code == 200
    logged = [record for record in caplog.records if record.name == "fieldops.access"]
    assert logged and logged[-1].path == "/api/v1/files/photo/[token]"
    assert not any(token in record.getMessage() or token in str(record.__dict__) for record in caplog.records)


def test_a_tampered_link_is_403(client, photo):
    token = photo["url"].rsplit("/", 1)[1]
    payload, stamp, signature = token.split(".")
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    for forged in (f"{flipped}.{stamp}.{signature}", f"{payload}.{stamp}.{signature[:-1]}", "not-a-token"):
        refused(client.get(f"/api/v1/files/photo/{forged}"), "invalid")
    # A photo's token is no download's: each purpose signs with its own salt.
    refused(client.get(f"/api/v1/files/download/{token}"), "invalid")


def test_an_expired_link_is_403(app, client, photo, monkeypatch):
    assert client.get(photo["url"]).status_code == 200
    monkeypatch.setitem(app.config, "FILE_LINK_TTL_SECONDS", 1)
    time.sleep(2.1)  # the token's timestamp has whole seconds
    error = refused(client.get(photo["url"]), "expired")
    assert "expired" in error["message"]


def test_a_link_to_a_photo_of_a_deleted_job_is_not_found(client, auth, photo):
    job_id = photo["urls"]["web"].split("/")[4]
    assert client.delete(f"/api/v1/jobs/{job_id}", headers=auth.a.headers("dispatcher")).status_code == 204
    gone = client.get(photo["url"])
    assert gone.status_code == 404 and gone.get_json()["error"]["code"] == "NOT_FOUND"


def test_a_finished_jobs_detail_offers_a_signed_download_until_the_job_is_deleted(client, auth, db):
    job_id = unpublished_job(auth.a)  # no worker runs it: the test plays its task
    detail = client.get(f"/api/v1/admin/jobs/{job_id}", headers=auth.a.headers()).get_json()["data"]
    assert detail["signed_download_url"] is None  # nothing to download yet
    finish_with_file(job_id, b"id,title\n1,Fix the boiler\n", name="jobs-2026-11-22.csv")
    detail = client.get(f"/api/v1/admin/jobs/{job_id}", headers=auth.a.headers()).get_json()["data"]

    served = client.get(detail["signed_download_url"])
    assert served.status_code == 200 and served.data == b"id,title\n1,Fix the boiler\n"
    assert served.headers["Content-Disposition"].startswith("attachment") and "jobs-2026-11-22.csv" in \
        served.headers["Content-Disposition"]
    assert served.headers["X-Content-Type-Options"] == "nosniff" and "private" in served.headers["Cache-Control"]

    assert client.delete(f"/api/v1/admin/jobs/{job_id}", headers=auth.a.headers()).status_code == 204
    assert client.get(detail["signed_download_url"]).status_code == 404

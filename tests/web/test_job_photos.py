"""Job photos: upload limits, the `media` task on a real
worker, EXIF time and GPS on the row and nowhere in the variants, decompression bombs."""
import io
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from PIL import ExifTags, Image
from PIL.TiffImagePlugin import IFDRational
from werkzeug.datastructures import FileStorage

from models.core import context, storage
from models.core.db import db as _db
from models.dispatch import photo_processing
from models.dispatch.job import Job
from models.dispatch.photo import JobPhoto
from models.ops import job_runs
from models.ops.background_job import BackgroundJob
from tasks.media import process_photo
from tests.support.photos import accepted, load_photo, make_job, noise_jpeg, processed, upload
from tests.support.waiting import wait_for
from web.schemas.photos import AttachmentSchema

# --- images, built here with Pillow ---------------------------------------------

def gps_jpeg(size=(400, 300), orientation=6) -> bytes:
    """A JPEG whose EXIF places it in Sydney (33°51'54.36"S 151°12'40.8"E), taken
    2024-05-17 14:03:21 at UTC+2, to be turned a quarter (orientation 6), with a comment."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "FieldCam"
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = "2024:05:17 14:03:21"
    details[ExifTags.Base.OffsetTimeOriginal] = "+02:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (IFDRational(33), IFDRational(51), IFDRational(5436, 100))
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (IFDRational(151), IFDRational(12), IFDRational(4080, 100))
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, "JPEG", exif=exif, comment=b"site 42, gate code 1234")
    return out.getvalue()


def png(size=(640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (20, 120, 200, 128)).save(out, "PNG")
    return out.getvalue()


def png_bomb(side=20000) -> bytes:
    """A few dozen KB of PNG declaring side x side pixels (400 million at 20000)."""
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, "PNG")
    return out.getvalue()


# --- helpers --------------------------------------------------------------------

def stored_files(app, tenant) -> list[Path]:
    root = Path(app.config["STORAGE_DIR"]) / "photos" / str(tenant.org_id)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_no_metadata(data: bytes):
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert not image.getexif() and "exif" not in image.info
    assert not {"comment", "icc_profile", "xmp"} & set(image.info)
    assert b"Exif" not in data and b"FieldCam" not in data and b"gate code" not in data
    return image


# --- tests ----------------------------------------------------------------------

@pytest.fixture(autouse=True)
def clean_photo_storage(app):
    """Ids restart with every test's empty tables: so must the photo folders."""
    yield
    shutil.rmtree(Path(app.config["STORAGE_DIR"]) / "photos", ignore_errors=True)


def test_a_gps_photo_yields_coordinates_on_the_row_and_none_in_the_variants(app, client, auth, worker):
    job_id = make_job(app, auth.a)
    original = gps_jpeg()
    data = accepted(upload(client, auth.a, job_id, original, filename="../../etc/roof.jpg"))
    assert data["status"] == "processing" and data["content_type"] == "image/jpeg"
    assert data["filename"] == "roof.jpg" and data["size_bytes"] == len(original)
    assert data["urls"] == {"original": f"/api/v1/jobs/{job_id}/photos/{data['id']}/original",
                            "web": None, "thumb": None}

    photo = processed(app, data["id"])
    assert photo.status == "ready" and photo.error is None
    assert photo.lat == pytest.approx(-33.8651, abs=1e-6) and photo.lng == pytest.approx(151.211333, abs=1e-6)
    assert photo.taken_at.replace(tzinfo=timezone.utc) == datetime(2024, 5, 17, 12, 3, 21, tzinfo=timezone.utc)
    assert (photo.width, photo.height) == (300, 400)  # upright: EXIF orientation 6 applied
    assert photo.storage_key.startswith(f"photos/{auth.a.org_id}/{job_id}/") and ".." not in photo.storage_key

    storage = Path(app.config["STORAGE_DIR"])
    assert (storage / photo.storage_key).read_bytes() == original  # the original is kept as uploaded
    for key, longest in ((photo.web_key, 400), (photo.thumb_key, 320)):
        variant = assert_no_metadata((storage / key).read_bytes())
        assert max(variant.size) == longest and variant.size[0] < variant.size[1]

    with app.app_context():
        dumped = AttachmentSchema().dump(photo)
    assert dumped["location"] == {"lat": photo.lat, "lng": photo.lng}
    assert dumped["taken_at"] == "2024-05-17T12:03:21Z" and dumped["created_at"].endswith("Z")
    base = f"/api/v1/jobs/{job_id}/photos/{photo.id}"
    assert dumped["urls"] == {"original": f"{base}/original", "web": f"{base}/web", "thumb": f"{base}/thumb"}

    headers = auth.a.headers("dispatcher")
    web = client.get(dumped["urls"]["web"], headers=headers)
    assert web.status_code == 200 and web.mimetype == "image/jpeg"
    assert web.headers["X-Content-Type-Options"] == "nosniff" and "private" in web.headers["Cache-Control"]
    assert_no_metadata(web.data)
    download = client.get(dumped["urls"]["original"], headers=headers)
    assert download.status_code == 200 and download.data == original
    assert "roof.jpg" in download.headers["Content-Disposition"]

    detail = client.get(f"/api/v1/jobs/{job_id}", headers=headers).get_json()["data"]
    assert [a["id"] for a in detail["attachments"]] == [photo.id]
    assert detail["attachments"][0]["urls"]["thumb"] == f"{base}/thumb"


def test_a_png_under_the_photo_field_becomes_jpeg_variants(app, client, auth, worker):
    job_id = make_job(app, auth.a)
    data = accepted(upload(client, auth.a, job_id, png((2400, 1200)), filename="plan.png", field="photo",
                           content_type="application/octet-stream"))
    assert data["content_type"] == "image/png"
    photo = processed(app, data["id"])
    assert photo.status == "ready" and (photo.width, photo.height) == (2400, 1200)
    assert photo.lat is None and photo.lng is None and photo.taken_at is None
    headers = auth.a.headers("admin")
    web = Image.open(io.BytesIO(client.get(f"/api/v1/jobs/{job_id}/photos/{photo.id}/web", headers=headers).data))
    thumb = Image.open(io.BytesIO(client.get(f"/api/v1/jobs/{job_id}/photos/{photo.id}/thumb", headers=headers).data))
    assert (web.format, web.size, thumb.size) == ("JPEG", (1600, 800), (320, 160))
    original = client.get(f"/api/v1/jobs/{job_id}/photos/{photo.id}/original", headers=headers)
    assert original.mimetype == "image/png"


def test_a_bomb_fails_without_harming_the_worker_which_then_processes_a_photo(app, client, auth, worker):
    job_id = make_job(app, auth.a)
    headers = auth.a.headers("dispatcher")
    bombs = [accepted(upload(client, auth.a, job_id, png_bomb(20000), filename="innocent.png"))]  # 400 MP
    with pytest.warns(Image.DecompressionBombWarning):  # 100 MP: Pillow only warns; the worker refuses it too
        bombs.append(accepted(upload(client, auth.a, job_id, png_bomb(10000), filename="innocent.png")))
    for bomb in bombs:
        photo = processed(app, bomb["id"])
        assert photo.status == "failed" and "decompression bomb" in photo.error
        assert photo.web_key is None and photo.thumb_key is None and photo.width is None
        for variant in ("web", "thumb", "original"):  # a refused original is not handed out either
            assert client.get(f"/api/v1/jobs/{job_id}/photos/{photo.id}/{variant}", headers=headers).status_code \
                == 404
        with app.app_context():
            assert AttachmentSchema().dump(photo)["urls"] == {"original": None, "web": None, "thumb": None}
        assert photo.size_bytes < 100_000

    # The uploader sees each refusal as a failed `photo` background job, with the reason.
    def failed_photo_jobs():
        listing = client.get("/api/v1/admin/jobs?kind=photo", headers=headers).get_json()["data"]
        failed = [j for j in listing if j["status"] == "failed"]
        return failed if len(failed) == 2 else None

    photo_jobs = wait_for(failed_photo_jobs)
    assert all("decompression bomb" in j["error"] for j in photo_jobs)
    assert {j["params"]["photo_id"] for j in photo_jobs} == {bomb["id"] for bomb in bombs}

    # The same worker (module-scoped, the only one consuming) carries on with the next photo.
    normal = accepted(upload(client, auth.a, job_id, gps_jpeg()))
    assert processed(app, normal["id"]).status == "ready"


def test_an_undecodable_image_fails_with_a_reason(app, client, auth, worker):
    job_id = make_job(app, auth.a)
    truncated = noise_jpeg()[:3000]  # a real JPEG header, then the upload stops
    photo = processed(app, accepted(upload(client, auth.a, job_id, truncated))["id"])
    assert photo.status == "failed" and "could not be decoded" in photo.error


def test_processing_twice_leaves_a_ready_photo_alone(app, client, auth, worker):
    job_id = make_job(app, auth.a)
    photo = processed(app, accepted(upload(client, auth.a, job_id, gps_jpeg()))["id"])
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        again = photo_processing.process(photo.id)
        assert again.processed_at.replace(tzinfo=None) == photo.processed_at.replace(tzinfo=None)
        assert not _db.session.dirty


def test_wrong_types_are_415_and_nothing_is_stored(app, client, auth):
    job_id = make_job(app, auth.a)
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    for data, name in ((b"I am plain text, honest", "notes.jpg"), (gif.getvalue(), "anim.jpg"), (b"", "empty.jpg"),
                       (b"\xff\xd8\xff\xe0 not really a jpeg", "fake.jpg")):
        r = upload(client, auth.a, job_id, data, filename=name)
        assert r.status_code == 415, name
        assert r.get_json()["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE" and "file" in r.get_json()["error"]["details"]
    with app.app_context():
        assert _db.session.query(JobPhoto).execution_options(all_tenants=True).count() == 0
    assert stored_files(app, auth.a) == []


def test_an_oversized_upload_is_413_and_nothing_is_stored(app, client, auth, monkeypatch):
    job_id = make_job(app, auth.a)
    big = noise_jpeg()
    monkeypatch.setitem(app.config, "PHOTO_MAX_BYTES", len(big) - 1)
    r = upload(client, auth.a, job_id, big)
    assert r.status_code == 413
    error = r.get_json()["error"]
    assert error["code"] == "PAYLOAD_TOO_LARGE" and error["details"]["max_bytes"] == len(big) - 1
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)  # the whole request, before any parsing
    r = upload(client, auth.a, job_id, big)
    assert r.status_code == 413 and r.get_json()["success"] is False
    with app.app_context():
        assert _db.session.query(JobPhoto).execution_options(all_tenants=True).count() == 0
    assert stored_files(app, auth.a) == []


def test_a_missing_file_is_422_with_details_file(app, client, auth):
    job_id = make_job(app, auth.a)
    url, headers = f"/api/v1/jobs/{job_id}/photos", auth.a.headers("dispatcher")
    for kwargs in ({"data": {"caption": "no file"}, "content_type": "multipart/form-data"},
                   {"data": {"file": (io.BytesIO(b""), "")}, "content_type": "multipart/form-data"}):
        r = client.post(url, headers=headers, **kwargs)
        assert r.status_code == 422, kwargs
        assert "file" in r.get_json()["error"]["details"]


def test_another_organizations_job_is_404_for_upload_and_download(app, client, auth, worker):
    a_job, b_job = make_job(app, auth.a), make_job(app, auth.b)
    b_photo = processed(app, accepted(upload(client, auth.b, b_job, gps_jpeg()))["id"])
    r = upload(client, auth.a, b_job, gps_jpeg(), role="admin")
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "NOT_FOUND"
    a_headers = auth.a.headers("admin")
    for job_id in (b_job, a_job):  # neither through B's job nor smuggled under A's own job
        for variant in ("original", "web", "thumb"):
            assert client.get(f"/api/v1/jobs/{job_id}/photos/{b_photo.id}/{variant}",
                              headers=a_headers).status_code == 404
    assert client.get(f"/api/v1/jobs/{b_job}/photos/{b_photo.id}/web", headers=auth.b.headers("admin")).status_code \
        == 200
    assert client.get(f"/api/v1/jobs/{b_job}/photos/{b_photo.id}/exif", headers=auth.b.headers("admin")).status_code \
        == 404


def test_roles_without_jobs_write_get_403_and_downloads_follow_job_visibility(app, client, auth, worker):
    assigned = make_job(app, auth.a, technician_user_id=auth.a.user_ids["technician"])
    other = make_job(app, auth.a)
    for role in ("customer", "technician", "support", "vendor"):
        r = upload(client, auth.a, assigned, gps_jpeg(), role=role)
        assert r.status_code == 403, role
        assert r.get_json()["error"]["code"] == "FORBIDDEN"
    r = client.post(f"/api/v1/jobs/{assigned}/photos", headers=auth.a.headers("technician"), json={})
    assert r.status_code == 403  # the permission is checked before the body
    with app.app_context():
        assert _db.session.query(JobPhoto).execution_options(all_tenants=True).count() == 0

    on_assigned = processed(app, accepted(upload(client, auth.a, assigned, gps_jpeg()))["id"])
    on_other = processed(app, accepted(upload(client, auth.a, other, gps_jpeg()))["id"])
    technician = auth.a.headers("technician")
    assert client.get(f"/api/v1/jobs/{assigned}/photos/{on_assigned.id}/thumb", headers=technician).status_code == 200
    assert client.get(f"/api/v1/jobs/{other}/photos/{on_other.id}/thumb", headers=technician).status_code == 404
    assert client.get(f"/api/v1/jobs/{assigned}/photos/{on_assigned.id}/thumb",
                      headers=auth.a.headers("customer")).status_code == 403
    assert client.get(f"/api/v1/jobs/{assigned}/photos/{on_assigned.id}/thumb").status_code == 401


def test_an_upload_retried_with_the_same_idempotency_key_is_stored_once(app, client, auth, worker):
    job_id = make_job(app, auth.a)
    headers = auth.a.headers("dispatcher", **{"Idempotency-Key": "photo-1"})
    image = gps_jpeg()

    def send():  # each retry is encoded afresh, with a new multipart boundary, as real clients do
        return client.post(f"/api/v1/jobs/{job_id}/photos", headers=headers,
                           data={"file": (io.BytesIO(image), "site.jpg", "image/jpeg")},
                           content_type="multipart/form-data")

    first, again = send(), send()
    assert first.status_code == again.status_code == 202
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.get_json()["data"] == first.get_json()["data"]
    assert processed(app, first.get_json()["data"]["photo"]["id"]).status == "ready"
    with app.app_context():
        assert _db.session.query(JobPhoto).execution_options(all_tenants=True).count() == 1
    assert len(stored_files(app, auth.a)) == 3  # the original and its two variants, once
    other = client.post(f"/api/v1/jobs/{job_id}/photos", headers=headers,
                        data={"file": (io.BytesIO(png()), "site.png", "image/png")},
                        content_type="multipart/form-data")
    assert other.status_code == 422 and other.get_json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


@pytest.mark.parametrize("failure, reason", [
    (OSError(28, "No space left on device"), "could not be stored"),
    (SoftTimeLimitExceeded(), "took too long"),
])
def test_a_task_out_of_retries_or_time_leaves_the_photo_failed_not_processing(app, auth, monkeypatch, failure, reason):
    job_id = make_job(app, auth.a)
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        key = f"photos/{auth.a.org_id}/{job_id}/direct.jpg"
        path = storage.path_of(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gps_jpeg())
        photo = JobPhoto(job_id=job_id, filename="direct.jpg", content_type="image/jpeg", size_bytes=1,
                         storage_key=key)
        _db.session.add(photo)
        _db.session.flush()
        # no task enqueued: the task runs here, eagerly, with its retries
        processing = BackgroundJob(id=f"photo-{photo.id}", kind="photo", task_name=process_photo.name,
                                   params={"photo_id": photo.id}, status="queued", progress=0, attempts=0)
        _db.session.add(processing)
        _db.session.commit()
        photo_id = photo.id

    def broken(*args, **kwargs):
        raise failure

    monkeypatch.setattr(storage, "write_bytes", broken)  # the disk fails while the variants are written
    result = process_photo.apply(args=(processing.id,), task_id=processing.id)
    assert result.failed()
    photo = load_photo(app, photo_id)
    assert photo.status == "failed" and reason in photo.error
    with app.app_context():
        assert job_runs.load(processing.id).status == "failed"


def test_an_upload_whose_transaction_rolls_back_leaves_no_file(app, auth):
    job_id = make_job(app, auth.a)
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        job = _db.session.get(Job, job_id)
        photo_processing.store_upload(job, FileStorage(io.BytesIO(png()), "site.png", content_type="image/png"),
                                      uploaded_by=None)
        assert len(stored_files(app, auth.a)) == 1
        _db.session.rollback()  # e.g. the request failed after the upload was stored
    assert stored_files(app, auth.a) == []


def test_an_upload_is_multipart_with_its_file_and_nothing_else(app, client, auth):
    job_id = make_job(app, auth.a)
    headers = auth.a.headers("dispatcher")
    extra = client.post(f"/api/v1/jobs/{job_id}/photos", headers=headers, content_type="multipart/form-data",
                        data={"file": (io.BytesIO(png()), "site.png", "image/png"), "caption": "front door"})
    assert extra.status_code == 422 and extra.get_json()["error"]["details"] == {"caption": ["Unknown field."]}
    missing = client.post(f"/api/v1/jobs/{job_id}/photos", headers=headers, content_type="multipart/form-data",
                          data={"caption": "no file"})
    assert set(missing.get_json()["error"]["details"]) == {"caption", "file"}
    as_json = client.post(f"/api/v1/jobs/{job_id}/photos", headers=headers, json={"file": "site.png"})
    assert as_json.status_code == 415 and as_json.get_json()["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert stored_files(app, auth.a) == []

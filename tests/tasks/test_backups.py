"""Backup and restore end to end: started over HTTP, run by a real Celery
worker, watched through the admin jobs API, checked against the database."""
import gzip
import hashlib
import io
import json
import tarfile

import pytest
from sqlalchemy import delete, select, text
from werkzeug.security import generate_password_hash

from models.core import storage
from models.dispatch import Customer
from models.identity.user import User
from models.ops.background_job import BackgroundJob
from tests.support.backups import FINISHED, JOBS, SYSTEM, backup, differences, dump, restore
from tests.support.dispatch import Board, created
from tests.support.factories import PASSWORD
from tests.support.photos import accepted, make_job, noise_jpeg, processed, upload
from tests.support.waiting import wait_for

def dispatch_data(client, tenant):
    """Customers, a project, a technician working a job (technicians.current_job_id points
    back at jobs), a note and status history: what the restore has to put back."""
    board = Board(client, tenant)
    first, spare = board.customer("ABC Corp"), board.customer("Spare Parts Ltd", city="Boston")
    project = board.project(first["id"])
    technician = board.technician("John Smith")
    job = board.job(first["id"], project_id=project["id"])
    board.job(first["id"], title="Boiler check", value=99.99)
    assert board.assign(job["id"], technician["id"]).status_code == 200
    assert board.move(job["id"], "in_progress").status_code == 200
    note = client.post(f"/api/v1/jobs/{job['id']}/notes", headers=board.headers, json={"body": "Gate code 4411"})
    assert note.status_code == 201
    return board, {"customer": first, "job": job, "spare": spare, "technician": technician}


def change_everything(db, board, made):
    assert board.client.patch(f"/api/v1/jobs/{made['job']['id']}", headers=board.headers,
                              json={"title": "Renamed", "priority": "low"}).status_code == 200
    with db.engine.begin() as conn:
        conn.execute(delete(Customer).where(Customer.id == made["spare"]["id"]))
    board.technician("Late Hire", skills=["Plumbing"])


def test_restore_puts_the_organizations_data_back_exactly_and_leaves_others_alone(client, auth, db, worker):
    board, made = dispatch_data(client, auth.a)
    dispatch_data(client, auth.b)
    before, other_before = dump(db, auth.a.org_id), dump(db, auth.b.org_id)
    assert {"organizations", "users", "roles", "customers", "projects", "technicians", "technician_skills",
            "jobs", "job_notes", "job_status_history"} <= set(before)
    assert not {"auth_sessions", "refresh_tokens", "background_jobs", "audit_log", "outbox_messages",
                "idempotency_records"} & set(before)
    assert any(row["current_job_id"] for row in before["technicians"])

    taken = backup(client, auth.a)
    assert taken["result"]["tables"]["jobs"] == 2 and taken["result"]["tables"]["technician_skills"] == 2

    change_everything(db, board, made)
    hired = created(client.post("/api/v1/users", headers=auth.a.headers(), json={
        "email": "newbie@alpha.test", "name": "Newbie", "password": PASSWORD, "role": "dispatcher"}))
    newbie = client.post("/api/v1/auth/login", json={"email": "newbie@alpha.test", "password": PASSWORD})
    newbie_headers = {"Authorization": f"Bearer {newbie.get_json()['data']['access_token']}"}
    board.job(made["customer"]["id"], title="Booked after the backup")
    assert client.get("/api/v1/jobs", headers=auth.a.headers()).get_json()["meta"]["total"] == 3  # total cached
    assert dump(db, auth.a.org_id) != before

    done = restore(client, auth.a, taken["id"])
    assert done["status"] == "succeeded", done
    assert done["result"]["tables"]["customers"]["insert"] == 1
    assert done["result"]["signed_out_users"] == [hired["id"]]
    assert differences(dump(db, auth.a.org_id), before) == []
    assert differences(dump(db, auth.b.org_id), other_before) == []
    assert client.get("/api/v1/jobs", headers=auth.a.headers()).get_json()["meta"]["total"] == 2  # recounted

    # The admin who restored is still signed in; the user who did not exist then is gone.
    assert client.get("/api/v1/auth/me", headers=auth.a.headers()).status_code == 200
    assert client.get("/api/v1/auth/me", headers=newbie_headers).status_code == 401
    # New rows get fresh ids, and the audit log says who restored which backup.
    board.technician("After Restore")
    entries = client.get("/api/v1/admin/audit-log", headers=auth.a.headers(),
                         query_string={"entity_type": "backup"}).get_json()["data"]
    assert [(e["entity_id"], e["actor_id"]) for e in entries] == [(taken["id"], auth.a.user_ids["admin"])]


def test_a_dry_run_reports_what_would_change_and_changes_nothing(client, auth, db, worker):
    board, made = dispatch_data(client, auth.a)
    taken = backup(client, auth.a)
    change_everything(db, board, made)
    changed = dump(db, auth.a.org_id)

    done = restore(client, auth.a, taken["id"], dry_run=True)
    assert done["status"] == "succeeded", done
    tables = done["result"]["tables"]
    assert done["result"]["dry_run"] is True
    assert tables["customers"] == {"rows_in_backup": 2, "rows_now": 1, "insert": 1, "update": 0, "delete": 0}
    assert tables["jobs"] == {"rows_in_backup": 2, "rows_now": 2, "insert": 0, "update": 1, "delete": 0}
    assert tables["technicians"]["delete"] == 1 and tables["technician_skills"]["delete"] == 1
    assert tables["organizations"]["update"] == 0
    assert differences(dump(db, auth.a.org_id), changed) == []


def flip_a_byte_in_a_member(path):
    with tarfile.open(path) as tar:
        member = tar.getmember("jobs.jsonl.gz")
        offset = member.offset_data + member.size // 2
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def edit_the_manifest(path):
    with tarfile.open(path) as tar:
        members = [(info, tar.extractfile(info).read()) for info in tar.getmembers()]
    with tarfile.open(path, "w") as tar:
        for info, content in members:
            if info.name == "manifest.json":
                manifest = json.loads(content)
                manifest["organization"]["slug"] = "someone-else"
                content = json.dumps(manifest).encode()
                info.size = len(content)
            tar.addfile(info, io.BytesIO(content))


@pytest.mark.parametrize("tamper, complaint", [(flip_a_byte_in_a_member, "jobs.jsonl.gz does not match its checksum"),
                                                (edit_the_manifest, "manifest was altered")])
def test_a_tampered_archive_is_refused_and_nothing_changes(client, auth, db, worker, tamper, complaint):
    board, made = dispatch_data(client, auth.a)
    taken = backup(client, auth.a)
    change_everything(db, board, made)
    changed = dump(db, auth.a.org_id)
    db.session.rollback()
    taken_job = db.session.get(BackgroundJob, taken["id"], execution_options={"all_tenants": True})
    tamper(storage.path_of(taken_job.artifact_key))

    done = restore(client, auth.a, taken["id"])
    assert done["status"] == "failed"
    assert complaint in done["error"]
    assert differences(dump(db, auth.a.org_id), changed) == []


def test_backups_are_listed_newest_first_and_download_as_a_valid_archive(client, auth, db, worker):
    Board(client, auth.a).customer()
    first, second = backup(client, auth.a), backup(client, auth.a)
    listing = client.get(f"{SYSTEM}/backups", headers=auth.a.headers())
    assert listing.status_code == 200 and listing.get_json()["meta"]["total"] == 2
    rows = listing.get_json()["data"]
    assert [row["id"] for row in rows] == [second["id"], first["id"]]
    row = rows[0]
    assert row["status"] == "succeeded" and row["created_by"] == auth.a.user_ids["admin"]
    assert row["tables"]["customers"] == 1 and row["tables"]["organizations"] == 1 and row["schema_revision"]
    assert row["file_name"].startswith("backup-alpha-") and row["file_name"].endswith("Z.tar")

    download = client.get(row["download_url"], headers=auth.a.headers())
    assert download.status_code == 200 and download.headers["Content-Length"] == str(row["size"])
    with tarfile.open(fileobj=io.BytesIO(download.data)) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        assert manifest["organization"]["id"] == auth.a.org_id
        assert manifest["schema_revision"] == row["schema_revision"]
        for member in manifest["members"]:
            content = tar.extractfile(member["file"]).read()
            assert hashlib.sha256(content).hexdigest() == member["sha256"]
            assert member["rows"] == row["tables"][member["table"]]
    assert client.get(f"{SYSTEM}/backups", headers=auth.b.headers()).get_json()["meta"]["total"] == 0


def test_a_restore_that_would_delete_the_restoring_admin_is_refused(client, auth, db, worker):
    taken = backup(client, auth.a)
    created(client.post("/api/v1/users", headers=auth.a.headers(), json={
        "email": "late-admin@alpha.test", "name": "Late Admin", "password": PASSWORD, "role": "admin"}))
    login = client.post("/api/v1/auth/login", json={"email": "late-admin@alpha.test", "password": PASSWORD})
    late_admin = {"Authorization": f"Bearer {login.get_json()['data']['access_token']}"}
    before = dump(db, auth.a.org_id)

    r = client.post(f"{SYSTEM}/restore", headers=late_admin, json={"backup_id": taken["id"]})
    assert r.status_code == 202
    job_id = r.get_json()["data"]["job_id"]
    wait_for(lambda: client.get(f"{JOBS}/{job_id}", headers=late_admin).get_json()["data"]["status"] in FINISHED)
    done = client.get(f"{JOBS}/{job_id}", headers=late_admin).get_json()["data"]
    assert done["status"] == "failed" and "delete your own account" in done["error"]
    assert differences(dump(db, auth.a.org_id), before) == []


def stored_job(db, tenant, kind, status):
    """A finished background job row, written directly (no task runs for it)."""
    job = BackgroundJob(id=f"{kind}-{status}-{tenant.slug}", organization_id=tenant.org_id, kind=kind,
                        task_name=f"{kind}.test", status=status, params={}, created_by=tenant.user_ids["admin"])
    db.session.add(job)
    db.session.commit()
    return job.id


def test_restore_takes_only_a_succeeded_backup_of_the_callers_organization(client, auth, db):
    others = stored_job(db, auth.b, "backup", "succeeded")
    export = stored_job(db, auth.a, "export", "succeeded")
    failed = stored_job(db, auth.a, "backup", "failed")

    def ask(backup_id):
        return client.post(f"{SYSTEM}/restore", headers=auth.a.headers(), json={"backup_id": backup_id})

    assert ask(others).status_code == 404
    not_a_backup = ask(export)
    assert not_a_backup.status_code == 422 and "backup_id" in not_a_backup.get_json()["error"]["details"]
    assert ask(failed).status_code == 409
    assert client.post(f"{SYSTEM}/restore", headers=auth.a.headers(), json={"dry_run": True}).status_code == 422


@pytest.mark.parametrize("role", ["dispatcher", "technician"])
def test_only_admins_back_up_and_restore(client, auth, db, role):
    headers = auth.a.headers(role)
    assert client.post(f"{SYSTEM}/backup", headers=headers).status_code == 403
    assert client.get(f"{SYSTEM}/backups", headers=headers).status_code == 403
    assert client.post(f"{SYSTEM}/restore", headers=headers, json={"backup_id": "x"}).status_code == 403


# --- passwords are not in backups (docs/security.md) --------------------------

def login(client, email, password):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def bearer(response) -> dict:
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['data']['access_token']}"}


def test_a_backup_holds_no_password_hashes_not_even_the_owners(client, auth, db, worker):
    taken = backup(client, auth.a)
    download = client.get(taken["download_url"], headers=auth.a.headers())  # an admin downloads the owner's data
    assert download.status_code == 200
    with tarfile.open(fileobj=io.BytesIO(download.data)) as tar:
        everything = b"".join(gzip.decompress(tar.extractfile(m).read()) if m.name.endswith(".gz")
                              else tar.extractfile(m).read() for m in tar.getmembers())
        manifest = json.loads(tar.extractfile("manifest.json").read())
        users = [json.loads(line) for line in gzip.decompress(tar.extractfile("users.jsonl.gz").read()).splitlines()]

    assert {user["email"] for user in users} >= {"owner@alpha.test", auth.a.email("admin")}
    assert all("password_hash" not in user for user in users)
    db.session.rollback()
    hashes = db.session.scalars(select(User.password_hash).where(User.organization_id == auth.a.org_id)
                                .execution_options(all_tenants=True)).all()
    assert len(hashes) == len(users) and not any(h.encode() in everything for h in hashes)
    assert manifest["withheld_columns"] == {"users": ["password_hash"]}


def test_a_restore_keeps_the_passwords_users_have_now(client, auth, db, worker):
    taken = backup(client, auth.a)
    dispatcher = auth.a.user_ids["dispatcher"]
    changed = client.patch(f"/api/v1/users/{dispatcher}", headers=auth.a.headers(), json={"password": "new-password-1"})
    assert changed.status_code == 200
    signed_in = bearer(login(client, auth.a.email("dispatcher"), "new-password-1"))
    with db.engine.begin() as conn:  # the owner's hash alone differs from the backup's row
        conn.execute(text("UPDATE users SET password_hash = :hash WHERE id = :id"),
                     {"hash": generate_password_hash("owner-changed-1", method="pbkdf2:sha256:1000"),
                      "id": auth.a.user_ids["owner"]})

    dry = restore(client, auth.a, taken["id"], dry_run=True)
    assert dry["result"]["tables"]["users"]["update"] == 1  # the dispatcher's row (updated_at), not the owner's
    done = restore(client, auth.a, taken["id"])
    assert done["status"] == "succeeded", done
    assert done["result"]["signed_out_users"] == [] and done["result"]["password_reset_required"] == []

    assert client.get("/api/v1/auth/me", headers=signed_in).status_code == 200
    assert login(client, auth.a.email("dispatcher"), "new-password-1").status_code == 200
    assert login(client, auth.a.email("dispatcher"), PASSWORD).status_code == 401
    assert login(client, "owner@alpha.test", "owner-changed-1").status_code == 200


def test_a_user_a_restore_brings_back_cannot_sign_in_until_an_admin_sets_a_password(client, auth, db, worker):
    before_hire = backup(client, auth.a)
    hired = created(client.post("/api/v1/users", headers=auth.a.headers(), json={
        "email": "newbie@alpha.test", "name": "Newbie", "password": PASSWORD, "role": "dispatcher"}))
    bearer(login(client, "newbie@alpha.test", PASSWORD))
    with_newbie = backup(client, auth.a)
    assert restore(client, auth.a, before_hire["id"])["result"]["signed_out_users"] == [hired["id"]]  # gone

    dry = restore(client, auth.a, with_newbie["id"], dry_run=True)
    assert dry["result"]["password_reset_required"] == [hired["id"]]
    done = restore(client, auth.a, with_newbie["id"])
    assert done["status"] == "succeeded" and done["result"]["password_reset_required"] == [hired["id"]]
    listed = client.get(f"/api/v1/users/{hired['id']}", headers=auth.a.headers())
    assert listed.status_code == 200 and listed.get_json()["data"]["email"] == "newbie@alpha.test"
    assert login(client, "newbie@alpha.test", PASSWORD).status_code == 401

    reset = client.patch(f"/api/v1/users/{hired['id']}", headers=auth.a.headers(), json={"password": "fresh-start-1"})
    assert reset.status_code == 200
    newbie = bearer(login(client, "newbie@alpha.test", "fresh-start-1"))
    assert client.get("/api/v1/auth/me", headers=newbie).status_code == 200


def rewrite_archive(db, job_id, change):
    """Rewrite a backup's archive as older code would have written it: `change(contents, manifest)` edits the
    members (name -> bytes) and the parsed manifest. The job's recorded manifest checksum is updated to
    match, as that backup's would have been."""
    db.session.rollback()
    job = db.session.get(BackgroundJob, job_id, execution_options={"all_tenants": True})
    path = storage.path_of(job.artifact_key)
    with tarfile.open(path) as tar:
        contents = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    manifest = json.loads(contents.pop("manifest.json"))
    change(contents, manifest)
    for member in manifest["members"]:
        member["sha256"] = hashlib.sha256(contents[member["file"]]).hexdigest()
    contents["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(path, "w") as tar:
        for name in ["manifest.json"] + [m["file"] for m in manifest["members"] + manifest.get("files", [])]:
            info = tarfile.TarInfo(name)
            info.size = len(contents[name])
            tar.addfile(info, io.BytesIO(contents[name]))
    job.result = {**job.result, "manifest_sha256": hashlib.sha256(contents["manifest.json"]).hexdigest()}
    db.session.commit()


def rewrite_as_an_archive_with_password_hashes(db, job_id, password):
    """What an archive written before hashes were withheld looks like: every user row carries one."""
    legacy_hash = generate_password_hash(password, method="pbkdf2:sha256:1000")

    def with_hashes(contents, manifest):
        users = b"".join(json.dumps({**json.loads(line), "password_hash": legacy_hash}, sort_keys=True).encode()
                         + b"\n" for line in gzip.decompress(contents["users.jsonl.gz"]).splitlines())
        contents["users.jsonl.gz"] = gzip.compress(users, mtime=0)
        del manifest["withheld_columns"]

    rewrite_archive(db, job_id, with_hashes)


def test_an_older_archive_with_password_hashes_restores_without_them(client, auth, db, worker):
    board, made = dispatch_data(client, auth.a)
    taken = backup(client, auth.a)
    change_everything(db, board, made)
    rewrite_as_an_archive_with_password_hashes(db, taken["id"], "password-from-the-archive")

    dry = restore(client, auth.a, taken["id"], dry_run=True)
    assert dry["status"] == "succeeded", dry
    assert dry["result"]["tables"]["users"]["update"] == 0 and dry["result"]["tables"]["customers"]["insert"] == 1
    done = restore(client, auth.a, taken["id"])
    assert done["status"] == "succeeded", done
    for email in ("owner@alpha.test", auth.a.email("admin")):
        assert login(client, email, PASSWORD).status_code == 200
        assert login(client, email, "password-from-the-archive").status_code == 401


# --- stored files travel with the rows -----------------------------------------

def photo_files(app, photo) -> dict:
    """A processed photo's stored files: key -> bytes, as they are on disk now (None when missing)."""
    keys = (photo.storage_key, photo.web_key, photo.thumb_key)
    return {key: storage.path_of(key).read_bytes() if storage.path_of(key).is_file() else None
            for key in keys if key}


def photographed_job(app, client, tenant):
    job_id = make_job(app, tenant)
    photo = processed(app, accepted(upload(client, tenant, job_id, noise_jpeg()))["id"])
    assert photo.status == "ready"
    return job_id, photo


def partial_files(app, tenant) -> list:
    root = storage.path_of(f"photos/{tenant.org_id}")
    return [p.name for p in root.rglob(".*")] if root.is_dir() else []


def test_a_backup_carries_the_photos_and_a_restore_puts_them_back_byte_for_byte(app, client, auth, db, worker):
    job_id, photo = photographed_job(app, client, auth.a)
    with app.app_context():
        kept = photo_files(app, photo)
    before = dump(db, auth.a.org_id)

    taken = backup(client, auth.a)
    assert taken["result"]["files"] == {"count": 3, "bytes": sum(map(len, kept.values())), "missing": 0}
    download = client.get(taken["download_url"], headers=auth.a.headers())
    with tarfile.open(fileobj=io.BytesIO(download.data)) as tar:
        listed = json.loads(tar.extractfile("manifest.json").read())["files"]
        assert {entry["key"] for entry in listed} == set(kept)
        for entry in listed:
            assert tar.extractfile(entry["file"]).read() == kept[entry["key"]]
            assert entry["sha256"] == hashlib.sha256(kept[entry["key"]]).hexdigest()
            assert entry["size"] == len(kept[entry["key"]])

    # After the backup: the original is overwritten, the thumbnail lost, another photo taken.
    with app.app_context():
        storage.path_of(photo.storage_key).write_bytes(b"not the photo any more")
        storage.path_of(photo.thumb_key).unlink()
    _, later = photographed_job(app, client, auth.a)
    with app.app_context():
        later_files = photo_files(app, later)

    dry = restore(client, auth.a, taken["id"], dry_run=True)
    assert dry["result"]["files"] == {"in_backup": 3, "write": 2, "remove": 3}
    with app.app_context():
        assert photo_files(app, photo)[photo.thumb_key] is None  # a dry run writes nothing

    done = restore(client, auth.a, taken["id"])
    assert done["status"] == "succeeded", done
    assert differences(dump(db, auth.a.org_id), before) == []
    with app.app_context():
        assert photo_files(app, photo) == kept  # byte for byte
        assert not any(storage.path_of(key).exists() for key in later_files)  # its rows are gone: so are its files
        assert partial_files(app, auth.a) == []
    served = client.get(f"/api/v1/jobs/{job_id}/photos/{photo.id}/original", headers=auth.a.headers())
    assert served.status_code == 200 and served.data == kept[photo.storage_key]


def test_a_restore_that_fails_leaves_the_stored_files_as_they_were(app, client, auth, db, worker):
    _, photo = photographed_job(app, client, auth.a)
    taken = backup(client, auth.a)
    with app.app_context():
        storage.path_of(photo.storage_key).write_bytes(b"changed since the backup")
        changed = photo_files(app, photo)
    # The backup's dispatcher is deleted, and their email taken in another organization: putting them back clashes.
    dispatcher = auth.a.user_ids["dispatcher"]
    assert client.delete(f"/api/v1/users/{dispatcher}", headers=auth.a.headers()).status_code == 204
    created(client.post("/api/v1/users", headers=auth.b.headers(), json={
        "email": auth.a.email("dispatcher"), "name": "Same Email", "password": PASSWORD, "role": "dispatcher"}))
    before = dump(db, auth.a.org_id)

    done = restore(client, auth.a, taken["id"])
    assert done["status"] == "failed" and "rolled back" in done["error"]
    assert differences(dump(db, auth.a.org_id), before) == []
    with app.app_context():
        assert photo_files(app, photo) == changed
        assert partial_files(app, auth.a) == []  # nothing staged is left behind


def test_an_archive_from_before_files_travelled_still_restores(app, client, auth, db, worker):
    board, made = dispatch_data(client, auth.a)
    _, photo = photographed_job(app, client, auth.a)
    taken = backup(client, auth.a)
    with app.app_context():
        kept = photo_files(app, photo)

    def as_version_1(contents, manifest):
        manifest["format_version"] = 1
        for entry in manifest.pop("files"):
            del contents[entry["file"]]

    rewrite_archive(db, taken["id"], as_version_1)
    change_everything(db, board, made)

    done = restore(client, auth.a, taken["id"])
    assert done["status"] == "succeeded", done
    assert done["result"]["tables"]["customers"]["insert"] == 1
    assert done["result"]["files"] == {"in_backup": 0, "write": 0, "remove": 0}
    with app.app_context():
        assert photo_files(app, photo) == kept  # the files its rows name are left as they are


def test_two_backups_in_the_same_minute_have_different_file_names(client, auth, db, worker):
    first, second = backup(client, auth.a), backup(client, auth.a)
    assert first["file_name"] != second["file_name"]
    assert first["file_name"].startswith("backup-alpha-") and first["file_name"].endswith("Z.tar")

"""Organization backups: starting backups and restores for an admin,
and building the archive in a worker. The restore itself is models.ops.restore;
what travels is models.ops.backup_tables; the file format is
models.ops.backup_archive.

A backup is a BackgroundJob of kind `backup` whose artifact is the archive,
stored at `backups/<org_id>/<job_id>.tar` and downloaded through the jobs API.
It carries the organization's stored files that its rows name (photos), each
with its SHA-256 in the manifest; exports are not in it. Its result summarises
the manifest: tables with row counts, files (count, bytes, and how many the rows
named but storage no longer had), schema revision, size, and the manifest's
SHA-256 that a restore checks the archive against. Its download is named
`backup-<slug>-<job id prefix>-<UTC time to the second>Z.tar`: unique per backup.
Secrets (password hashes) are not in it: models.ops.backup_tables.WITHHELD_COLUMNS."""
import tempfile
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import inspect, select, text

from models.core import audit, storage
from models.core.db import db, utcnow
from models.core.errors import Conflict, NotFound, ValidationFailed
from models.core.listing import ListSpec, any_of
from models.ops import background_job, job_runs
from models.ops.background_job import STATUSES, UNFINISHED, BackgroundJob
from models.ops.backup_archive import FORMAT, FORMAT_VERSION, row_line, take_file, write_archive, write_member
from models.ops.backup_tables import ORGANIZATIONS, backed_up_tables, file_keys

BACKUP, RESTORE = "backup", "restore"
audit.declare_entity_type(BACKUP)  # a restore's audit entry is about the backup it restored
CREATE_TASK, RESTORE_TASK = "backups.create", "backups.restore"
STREAM_ROWS = 1000


# --- the API side (the caller's transaction) ------------------------------

def start_backup(user_id: int, organization_id: int) -> BackgroundJob:
    return background_job.start(BACKUP, CREATE_TASK, {}, created_by=user_id, organization_id=organization_id)


def start_restore(backup_id: str, dry_run: bool, user_id: int, organization_id: int) -> BackgroundJob:
    """Another organization's backup id is not found; a job that is not a backup is
    a validation error; a backup that has not succeeded, or a restore already under
    way in the organization, is a conflict."""
    backup = db.session.scalar(select(BackgroundJob).where(BackgroundJob.id == backup_id))
    if backup is None:
        raise NotFound(f"Backup {backup_id} not found")
    if backup.kind != BACKUP:
        raise ValidationFailed("Not a backup", backup_id=[f"{backup_id} is a {backup.kind} job, not a backup"])
    if backup.status != "succeeded":
        raise Conflict(f"Backup {backup_id} is {backup.status}; only a succeeded backup can be restored",
                       status=backup.status)
    running = db.session.scalar(select(BackgroundJob.id).where(BackgroundJob.kind == RESTORE,
                                                               BackgroundJob.status.in_(UNFINISHED)))
    if running is not None:
        raise Conflict("A restore of this organization is already under way; wait for it to finish",
                       job_id=running)
    return background_job.start(RESTORE, RESTORE_TASK, {"backup_id": backup_id, "dry_run": dry_run},
                                created_by=user_id, organization_id=organization_id)


def backups():
    """The current organization's backups (a select for paginate)."""
    return select(BackgroundJob).where(BackgroundJob.kind == BACKUP)


# --- the worker side --------------------------------------------------------

def schema_revision(conn) -> str | None:
    """The alembic revision the database is at (heads joined by commas), None if unmanaged."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return ",".join(sorted(conn.scalars(text("SELECT version_num FROM alembic_version")).all())) or None


@contextmanager
def _snapshot():
    """A connection that reads every table as of one moment, so the archive is consistent."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN")  # pysqlite would not open a read transaction by itself
        try:
            yield conn
        finally:
            conn.rollback()


def _lines(conn, table, organization_id: int):
    stmt = select(*table.columns).where(table.scope(organization_id)).order_by(*table.key_columns)
    for row in conn.execute(stmt.execution_options(yield_per=STREAM_ROWS)):
        yield row_line(row._mapping)


def create(job_id: str) -> dict:
    """Write the organization's archive and attach it to the job; returns the job's
    result. A redelivered job rewrites the archive (atomically) under the same key."""
    job = job_runs.load(job_id)
    org_id = job.organization_id
    tables = backed_up_tables()
    key = f"backups/{org_id}/{job_id}.tar"
    taken_at = utcnow()
    workspace = storage.path_of(f"backups/{org_id}")
    workspace.mkdir(parents=True, exist_ok=True)
    with _snapshot() as conn, tempfile.TemporaryDirectory(prefix=f".{job_id}.", dir=workspace) as scratch:
        organizations = db.metadata.tables[ORGANIZATIONS]
        org = conn.execute(select(organizations.c.slug, organizations.c.name)
                           .where(organizations.c.id == org_id)).one()
        revision = schema_revision(conn)
        members = []
        for done, table in enumerate(tables):
            job_runs.report(job_id, 5 + 85 * done // len(tables), f"Backing up {table.name}")
            members.append(write_member(Path(scratch), table.name, _lines(conn, table, org_id)))
        job_runs.report(job_id, 90, "Backing up the stored files")
        keys = sorted(file_keys(conn, tables, org_id))
        stored = [taken for taken in (take_file(Path(scratch), key) for key in keys) if taken is not None]
        manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "backup_id": job_id,
                    "organization": {"id": org_id, "slug": org.slug, "name": org.name},
                    "created_at": taken_at.isoformat().replace("+00:00", "Z"), "schema_revision": revision,
                    "withheld_columns": {table.name: list(table.withheld) for table in tables if table.withheld}}
        job_runs.report(job_id, 92, "Writing the archive")
        with storage.writing(key) as partial:
            manifest_sha256 = write_archive(partial, manifest, members, taken_at.timestamp(), stored)
    size = storage.path_of(key).stat().st_size
    file_name = f"backup-{org.slug}-{job_id[:8]}-{taken_at:%Y-%m-%dT%H%M%SZ}.tar"  # unique, even within a second
    job_runs.attach_artifact(job_id, key, file_name, size)
    return {"tables": {member.table: member.rows for member in members}, "schema_revision": revision,
            "files": {"count": len(stored), "bytes": sum(f.size for f in stored), "missing": len(keys) - len(stored)},
            "size": size, "file_name": file_name, "taken_at": manifest["created_at"],
            "manifest_sha256": manifest_sha256}


# How backups are listed.
BACKUPS = ListSpec(
    sortable={"created_at": BackgroundJob.created_at}, default_sort="-created_at",
    id=BackgroundJob.id, ids_descending=True,
    filters={"status": any_of(BackgroundJob.status, STATUSES)},
    search=(BackgroundJob.id, BackgroundJob.artifact_name),
)

"""Restoring an organization from one of its backups, in a worker.

Order of work: check the archive completely (its manifest is the one recorded
with the backup, every member matches its SHA-256, same organization, same
schema revision) before anything is touched; compare it with the current data
table by table (a dry run stops here and reports the differences); then
replace the organization's rows in ONE transaction, ids preserved, in
foreign-key order, and move the sequences past the restored ids. Any failure
rolls the whole transaction back: a failed restore changes nothing.

Stored files (photos) travel with the rows: the archive's files that differ from
storage are extracted (checked against their SHA-256) beside their keys within the
transaction and moved in only after it commits; files that only removed rows named
are deleted after commit too. A rollback deletes what was staged (models.core.storage).

How rows are replaced: the rows of anchor tables (organizations, users: see
models.ops.backup_tables) are updated in place by primary key, missing ones
inserted and extra ones deleted, so the sign-ins of users who are in the
backup survive; every other table's rows are deleted and re-inserted. Users
whose activation or deletion the restore changes are signed out (as editing
them would), and so are users the restore removes. A restore that
would remove the account of the admin running it is refused.

Password hashes are not in backups (models.ops.backup_tables.WITHHELD_COLUMNS;
an older archive's are ignored): a user who exists keeps their current password,
and a user the restore brings back gets the hash of a random password nobody
knows, so cannot sign in until an admin sets one (PATCH /users/{id}); the result
lists them in `password_reset_required`.

Progress is reported only before the write transaction opens: on SQLite a
report commits on another connection and would wait on our own write lock."""
import hashlib
import secrets
from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import Integer
from werkzeug.security import generate_password_hash

from models.core import events, settings, storage
from models.core.audit import AuditLogEntry
from models.core.db import db, utcnow
from models.core.errors import Conflict
from models.identity import session_cache, sessions
from models.identity.sessions import SessionsEnded
from models.identity.user import User
from models.ops import job_runs
from models.ops.backup_archive import Archive, ArchiveRejected, RowDecoder, encode_value, row_line
from models.ops.backup_tables import ORGANIZATIONS, BackedUpTable, backed_up_tables, file_keys
from models.ops.backups import BACKUP, schema_revision

BATCH = 500
SIGN_OUT_REASON = "restored"


@dataclass(frozen=True)
class OrganizationRestored(events.DomainEvent):
    """The organization's rows were rewritten in bulk, bypassing the ORM (caches listen)."""
    organization_id: int
    tables: tuple


class RestoreFailed(Conflict):
    """The data could not be written as it is in the backup; the transaction was rolled back."""


def _digest(line: str) -> bytes:
    return hashlib.blake2b(line.encode("utf-8"), digest_size=16).digest()


def _current(conn, table: BackedUpTable, organization_id: int) -> dict:
    """The organization's rows of `table` now: primary key (as archived) -> digest of the line the
    row would have in a backup (its travelling columns)."""
    rows = conn.execute(select(*table.columns).where(table.scope(organization_id)).execution_options(yield_per=BATCH))
    current = {}
    for row in rows:
        encoded = {name: encode_value(value) for name, value in row._mapping.items()}
        current[table.key_of(encoded)] = _digest(row_line(encoded))
    return current


def _rows(archive: Archive, table: BackedUpTable):
    """The table's archived rows without the withheld columns (an older archive has password hashes)."""
    return (table.without_withheld(data) for data in archive.rows(table.name))


@dataclass
class TableDiff:
    rows_in_backup: int = 0
    rows_now: int = 0
    update: int = 0
    added: set = field(default_factory=set)
    removed: set = field(default_factory=set)
    file_keys: set = field(default_factory=set)  # of the stored files the archived rows name

    def counts(self) -> dict:
        return {"rows_in_backup": self.rows_in_backup, "rows_now": self.rows_now, "insert": len(self.added),
                "update": self.update, "delete": len(self.removed)}


def _compare(archive: Archive, table: BackedUpTable, current: dict) -> TableDiff:
    diff = TableDiff(rows_now=len(current))
    kept = set()
    for data in _rows(archive, table):
        diff.rows_in_backup += 1
        diff.file_keys |= table.file_keys_of(data)
        key = table.key_of(data)
        kept.add(key)
        if key not in current:
            diff.added.add(key)
        elif current[key] != _digest(row_line(data)):
            diff.update += 1
    diff.removed = set(current) - kept
    return diff


def _checked_archive(job) -> tuple[Archive, list[BackedUpTable]]:
    backup = job_runs.load(job.params["backup_id"])
    if (backup is None or backup.organization_id != job.organization_id or backup.kind != BACKUP
            or backup.status != "succeeded" or not backup.artifact_key):
        raise ArchiveRejected(f"Backup {job.params['backup_id']} is no longer a finished backup of this organization")
    tables = backed_up_tables()
    archive = Archive(storage.path_of(backup.artifact_key))
    try:
        with db.engine.connect() as conn:
            revision = schema_revision(conn)
        archive.verify(manifest_sha256=(backup.result or {}).get("manifest_sha256", ""),
                       organization_id=job.organization_id, schema_revision=revision,
                       tables=[table.name for table in tables])
    except BaseException:
        archive.close()
        raise
    return archive, tables


def restore(job_id: str) -> dict:
    """Run a restore job; returns its result (per table: rows in the backup, rows
    now, rows inserted / updated / deleted, or that would be on a dry run). Its writes are
    the session's transaction, committed by the task that runs it (or rolled back whole)."""
    job = job_runs.load(job_id)
    org_id, dry_run = job.organization_id, bool(job.params.get("dry_run"))
    job_runs.report(job_id, 5, "Verifying the archive")
    archive, tables = _checked_archive(job)
    with archive:
        diffs = {}
        with db.engine.connect() as conn:
            for done, table in enumerate(tables):
                job_runs.report(job_id, 20 + 40 * done // len(tables), f"Comparing {table.name}")
                diffs[table.name] = _compare(archive, table, _current(conn, table, org_id))
            named_now = file_keys(conn, tables, org_id)
        job_runs.report(job_id, 60, "Comparing the stored files")
        stored = _compare_files(archive, named_now, set().union(*(diff.file_keys for diff in diffs.values())))
        if job.created_by in diffs["users"].removed:
            raise ArchiveRejected("Restoring this backup would delete your own account (you were added after it "
                                  "was taken); ask an admin who is in the backup to restore it")
        result = {"backup_id": job.params["backup_id"], "dry_run": dry_run,
                  "taken_at": archive.manifest["created_at"], "schema_revision": archive.manifest["schema_revision"],
                  "tables": {name: diff.counts() for name, diff in diffs.items()},
                  "password_reset_required": sorted(diffs["users"].added), "files": stored.counts()}
        if dry_run:
            return result
        job_runs.report(job_id, 65, "Replacing the organization's data")
        try:
            db.session.connection()  # the transaction the staged files follow (models.core.storage)
            _stage_files(archive, stored)
            signed_out = _replace(archive, tables, org_id)
            _record(job, result)
            events.record(OrganizationRestored(org_id, tuple(table.name for table in tables)))
            db.session.flush()  # a clash is found here, inside this try
        except IntegrityError as exc:
            raise RestoreFailed(f"The backup's rows clash with data outside it ({exc.orig}); "
                                "the restore was rolled back and nothing was changed") from exc
    return {**result, "signed_out_users": signed_out}


@dataclass
class FilesDiff:
    in_backup: int
    write: list  # the archive's entries whose file is missing or different now
    remove: set  # keys of files that only rows the restore removes name

    def counts(self) -> dict:
        return {"in_backup": self.in_backup, "write": len(self.write), "remove": len(self.remove)}


def _compare_files(archive: Archive, named_now: set, named_by_backup: set) -> FilesDiff:
    """The stored files to put back (byte for byte) and the ones no restored row names any more.
    A version 1 archive has no files: the files its rows name are left as they are."""
    write = [entry for entry in archive.files
             if not storage.exists(entry["key"]) or storage.sha256_of(storage.path_of(entry["key"])) != entry["sha256"]]
    return FilesDiff(len(archive.files), write, named_now - named_by_backup)


def _stage_files(archive: Archive, stored: FilesDiff) -> None:
    """Extract the files beside their keys now; they are moved in (and the unnamed ones removed)
    only when the restore's transaction commits, and the staged ones removed if it rolls back."""
    for entry in stored.write:
        staged = storage.staging(entry["key"])
        storage.move_in_on_commit(staged, entry["key"])  # registered first: a failed extraction is cleaned up
        archive.extract_file(entry, staged)
    for key in stored.remove:
        storage.remove_on_commit(key)


# --- the write transaction ---------------------------------------------------

def _replace(archive: Archive, tables: list[BackedUpTable], org_id: int) -> list[int]:
    """Replace the organization's rows in the session's transaction (committed by the caller)."""
    conn = db.session.connection()
    organizations = db.metadata.tables[ORGANIZATIONS]
    conn.execute(select(organizations.c.id).where(organizations.c.id == org_id).with_for_update())
    credentials_before = _credentials(conn, org_id)
    for table in tables:  # break the cycles: these keys are set again once every row exists
        if table.deferred:
            conn.execute(update(table.table).where(table.scope(org_id))
                         .values({**_unstamped(table), **{c.name: None for c in table.deferred}}))
    for table in reversed(tables):
        if not table.anchor:
            conn.execute(delete(table.table).where(table.scope(org_id)))
    anchors = {table.name: _archived(archive, table) for table in tables if table.anchor}
    for table in reversed(tables):  # extras first, so a kept row may take over a removed one's unique email
        if table.anchor:
            removed = list(set(_current(conn, table, org_id)) - set(anchors[table.name]))
            for start in range(0, len(removed), BATCH):
                conn.execute(delete(table.table).where(table.key_in(removed[start:start + BATCH])))
    deferred = []
    for table in tables:  # parents first; the deferred keys stay NULL until every row exists
        if table.anchor:
            deferred += _upsert(conn, table, anchors[table.name], _current(conn, table, org_id))
        else:
            deferred += _insert(conn, table, _rows(archive, table))
    for table, key, values in deferred:
        conn.execute(update(table.table).where(_key_match(table, key)).values({**_unstamped(table), **values}))
    _move_sequences(conn, tables)
    return _sign_out_changed(credentials_before, _credentials(conn, org_id))


def _unstamped(table: BackedUpTable) -> dict:
    """SET column = column for columns stamped on update (updated_at): a restore's own
    updates must leave the restored values as they were."""
    return {column.name: column for column in table.table.columns if column.onupdate is not None}


def _archived(archive: Archive, table: BackedUpTable) -> dict:
    return {table.key_of(data): data for data in _rows(archive, table)}


def _without_deferred(table: BackedUpTable, row: dict) -> dict:
    return {**row, **{column.name: None for column in table.deferred}}


def _insert(conn, table: BackedUpTable, rows) -> list:
    decode, batch, deferred = RowDecoder(table.table), [], []
    for data in rows:
        row = decode(data)
        deferred += _deferred(table, row)
        batch.append(_without_deferred(table, row))
        if len(batch) == BATCH:
            conn.execute(insert(table.table), batch)
            batch = []
    if batch:
        conn.execute(insert(table.table), batch)
    return deferred


def _upsert(conn, table: BackedUpTable, archived: dict, current: dict) -> list:
    """Anchor rows: insert the missing ones and update the ones that differ, in place (their
    withheld columns keep their current values)."""
    decode = RowDecoder(table.table)
    rows = {key: decode(data) for key, data in archived.items()}
    missing = [_without_deferred(table, row) for key, row in rows.items() if key not in current]
    if missing and table.withheld:
        stand_ins = _stand_ins(table)
        missing = [{**stand_ins, **row} for row in missing]
    for start in range(0, len(missing), BATCH):
        conn.execute(insert(table.table), missing[start:start + BATCH])
    key_names = {column.name for column in table.key_columns}
    by_key = and_(*(column == bindparam(f"key_{column.name}") for column in table.key_columns))
    changed = [{**{name: value for name, value in _without_deferred(table, rows[key]).items()
                   if name not in key_names},
                **{f"key_{name}": rows[key][name] for name in key_names}}
               for key, data in archived.items() if key in current and current[key] != _digest(row_line(data))]
    for start in range(0, len(changed), BATCH):
        conn.execute(update(table.table).where(by_key), changed[start:start + BATCH])
    return [found for row in rows.values() for found in _deferred(table, row)]


def _stand_ins(table: BackedUpTable) -> dict:
    """Values for the withheld columns of rows a restore brings back. A user gets the hash of a
    random password that is thrown away: nobody can sign in as them until an admin sets one."""
    if table.name == "users":
        method = settings.get("PASSWORD_HASH_METHOD", "scrypt")
        return {"password_hash": generate_password_hash(secrets.token_urlsafe(32), method=method)}
    return {}


def _deferred(table: BackedUpTable, row: dict) -> list:
    """[(table, key, {column: value})] for the row's deferred keys that are set."""
    values = {column.name: row[column.name] for column in table.deferred if row.get(column.name) is not None}
    return [(table, table.key_of(row), values)] if values else []


def _key_match(table: BackedUpTable, key):
    values = key if isinstance(key, tuple) else (key,)
    return and_(*(column == value for column, value in zip(table.key_columns, values)))


def _move_sequences(conn, tables: list[BackedUpTable]) -> None:
    """PostgreSQL: let new rows start past the restored ids (never moving a sequence
    back, so an id is never handed out twice). SQLite picks max(id) + 1 by itself."""
    if conn.dialect.name != "postgresql":
        return
    quote = conn.dialect.identifier_preparer.quote
    for table in tables:
        columns = table.key_columns
        if len(columns) != 1 or not isinstance(columns[0].type, Integer):
            continue
        sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:table, :column)"),
                               {"table": table.name, "column": columns[0].name})
        if sequence:
            conn.execute(text(f"SELECT setval(:sequence, GREATEST((SELECT COALESCE(MAX({quote(columns[0].name)}), 0) "
                              f"FROM {quote(table.name)}), (SELECT last_value FROM {sequence}), 1))"),
                         {"sequence": sequence})


# --- who stays signed in, and the audit trail --------------------------------

def _credentials(conn, org_id: int) -> dict:
    users = User.__table__
    rows = conn.execute(select(users.c.id, users.c.password_hash, users.c.is_active, users.c.deleted_at)
                        .where(users.c.organization_id == org_id))
    return {row.id: (row.password_hash, row.is_active, row.deleted_at is None) for row in rows}


def _sign_out_changed(before: dict, after: dict) -> list[int]:
    """End the sessions of users whose password, activation or deletion changed (as an
    edit would); users the restore removed lost theirs with their row. Both are told."""
    changed = sorted(user_id for user_id in before if user_id in after and before[user_id] != after[user_id])
    for user_id in changed:
        user = db.session.get(User, user_id, execution_options={"include_deleted": True})
        sessions.end_all_sessions(user, reason=SIGN_OUT_REASON)
    removed = sorted(set(before) - set(after))
    for user_id in removed:
        events.record(SessionsEnded(user_id, SIGN_OUT_REASON))
    return changed + removed


def _record(job, result: dict) -> None:
    """One audit entry per restore job: who restored which backup, what changed. A
    redelivered job re-applies the same data and does not log twice."""
    entries = AuditLogEntry.__table__
    conn = db.session.connection()
    if conn.scalar(select(entries.c.id).where(entries.c.action == "restore", entries.c.request_id == job.id)):
        return
    changes = {name: counts for name, counts in result["tables"].items()
               if counts["insert"] or counts["update"] or counts["delete"]}
    conn.execute(insert(entries).values(
        organization_id=job.organization_id, actor_id=job.created_by, action="restore", entity_type=BACKUP,
        entity_id=job.params["backup_id"], before=None,
        after={"restore_job_id": job.id, "taken_at": result["taken_at"], "changes": changes},
        request_id=job.id, created_at=utcnow()))


def _forget_cached_sessions(evt: OrganizationRestored) -> None:
    """Users and roles were rewritten without the ORM: no process may answer from what it kept."""
    session_cache.announce(session_cache.Invalidation(everything=True))


events.subscribe(OrganizationRestored, _forget_cached_sessions)

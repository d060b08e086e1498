"""Stored files, named by keys relative to STORAGE_DIR: the one way the code reads,
writes and deletes them. The local filesystem is the only backend (docs/operations.md).

A key starts with its kind (KINDS): `photos/<org>/<job>/<name>`, `evidence/...`,
`exports/<org>/<job id>.<ext>`, `backups/<org>/<job id>.tar`. A key is a relative
path without `..`; anything else is refused before it touches the disk.

Files follow the fate of the transaction that wrote or replaced them: a file
written for rows that roll back is removed (`remove_on_rollback`); a file that
must appear only if the rows commit is staged beside its key and moved in after
commit (`move_in_on_commit`), or removed after commit (`remove_on_commit`).

A column holding keys of an organization's files (the ones a backup carries) is
declared with `info=FILE_KEY`; exports and backups are not such files."""
import hashlib
import logging
import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import event
from sqlalchemy.orm import Session

from models.core import settings
from models.core.db import db

log = logging.getLogger(__name__)

KINDS = ("photos", "evidence", "exports", "backups")
ORGANIZATION_FILE_KINDS = ("photos", "evidence")  # the organization's own files, which backups carry
FILE_KEY = {"stored_file": True}  # mapped_column(..., info=FILE_KEY): the column names an organization's file
CHUNK = 1 << 16
_PENDING = "fieldops_storage_pending"  # session.info: [(on_commit, on_rollback)]


@dataclass(frozen=True)
class StoredFile:
    """A file as it is served: its key, media type and, for an attachment, the name it downloads as."""
    key: str
    content_type: str
    download_name: str | None = None


def checked_key(key: str) -> str:
    """`key` if it is a relative path under one of KINDS without `..`; ValueError otherwise."""
    parts = PurePosixPath(key).parts
    if not parts or parts[0] not in KINDS or ".." in parts or "\\" in key or "\x00" in key or key.startswith("/"):
        raise ValueError(f"Not a storage key: {key!r}")
    return key


def path_of(key: str) -> Path:
    """Where a storage key (relative to STORAGE_DIR) lives on disk."""
    return Path(settings.require("STORAGE_DIR")) / checked_key(key)


def exists(key: str | None) -> bool:
    return bool(key) and path_of(key).is_file()


def sha256_of(source) -> str:
    """The SHA-256 (hex) of a file: a path, or a binary stream read to its end."""
    if isinstance(source, (str, Path)):
        with open(source, "rb") as stream:
            return sha256_of(stream)
    digest = hashlib.sha256()
    for chunk in iter(lambda: source.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def writing(key: str):
    """Open `key` for writing through a hidden partial file that becomes `key` only
    when the block completes; an error (or a killed process) leaves no half file
    under the real name. Yields the partial file's path."""
    final = path_of(key)
    final.parent.mkdir(parents=True, exist_ok=True)
    _discard_partials_of_dead_writers(final)
    partial = final.with_name(f".{final.name}.{os.getpid()}.part")
    try:
        yield partial
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)


def write_bytes(key: str, data: bytes) -> None:
    with writing(key) as partial:
        partial.write_bytes(data)


def staging(key: str) -> Path:
    """A hidden partial file beside `key`, to be filled and then moved in (move_in_on_commit)."""
    final = path_of(key)
    final.parent.mkdir(parents=True, exist_ok=True)
    _discard_partials_of_dead_writers(final)
    return final.with_name(f".{final.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.part")


def _discard_partials_of_dead_writers(final: Path) -> None:
    """A process killed while writing (SIGKILL, OOM) leaves its `.<name>.<pid>[.<n>].part`;
    the next writer of the same file (a redelivered task) removes those whose
    process is gone. Same-host pids: with storage shared between hosts, a stray
    partial stays until someone deletes it, harmless beside the real file."""
    for partial in final.parent.glob(f".{final.name}.*.part"):
        pid = partial.name[len(final.name) + 2:-len(".part")].split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            partial.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, someone else's
        pass
    return True


def remove(key: str | None) -> None:
    if key:
        path_of(key).unlink(missing_ok=True)


# --- files that follow the transaction -----------------------------------------

def _pending() -> list:
    return db.session().info.setdefault(_PENDING, [])


def remove_on_rollback(key: str) -> None:
    """The file was written for rows of this transaction: no rows, no file."""
    _pending().append((None, lambda: remove(key)))


def move_in_on_commit(staged: Path, key: str) -> None:
    """`staged` (see `staging`) replaces `key` once the transaction commits; a rollback removes it."""
    _pending().append((lambda: os.replace(staged, path_of(key)), lambda: staged.unlink(missing_ok=True)))


def remove_on_commit(key: str) -> None:
    _pending().append((lambda: remove(key), None))


def _run(actions) -> None:
    for action in actions:
        if action is None:
            continue
        try:
            action()
        except OSError:  # the transaction is over either way: say so, and carry on with the others
            log.exception("storage: a file could not be moved or removed after the transaction ended")


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    _run(on_commit for on_commit, _ in session.info.pop(_PENDING, []))


@event.listens_for(Session, "after_rollback")
def _after_rollback(session):
    _run(on_rollback for _, on_rollback in session.info.pop(_PENDING, []))

"""Stored files (uploads, exports, backups) under STORAGE_DIR, named by keys
relative to it. Files written during a transaction follow its fate: removed if
it rolls back."""
import os
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from models.core import settings
from models.core.db import db

_WRITTEN = "fieldops_files_written"


def path_of(key: str) -> Path:
    """Where a storage key (relative to STORAGE_DIR) lives on disk."""
    return Path(settings.require("STORAGE_DIR")) / key


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


def _discard_partials_of_dead_writers(final: Path) -> None:
    """A process killed while writing (SIGKILL, OOM) leaves its `.<name>.<pid>.part`;
    the next writer of the same file (a redelivered task) removes those whose
    process is gone. Same-host pids: with storage shared between hosts, a stray
    partial stays until someone deletes it, harmless beside the real file."""
    for partial in final.parent.glob(f".{final.name}.*.part"):
        pid = partial.name[len(final.name) + 2:-len(".part")]
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


def remove_on_rollback(path: Path) -> None:
    db.session().info.setdefault(_WRITTEN, []).append(Path(path))


@event.listens_for(Session, "after_commit")
def _keep(session):
    session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_rollback")
def _remove(session):
    for path in session.info.pop(_WRITTEN, []):
        path.unlink(missing_ok=True)

"""Files written during a transaction follow its fate: removed if it rolls back."""
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from models.db import db

_WRITTEN = "fieldops_files_written"


def remove_on_rollback(path: Path) -> None:
    db.session().info.setdefault(_WRITTEN, []).append(Path(path))


@event.listens_for(Session, "after_commit")
def _keep(session):
    session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_rollback")
def _remove(session):
    for path in session.info.pop(_WRITTEN, []):
        path.unlink(missing_ok=True)

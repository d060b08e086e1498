"""The unit of work (docs/architecture.md): one transaction per request, task or
command, committed when it succeeds and rolled back when it fails.

Domain functions write into the session and never commit; the boundary does
(web.conventions.unit_of_work for requests, tasks.base for tasks, web.cli for
commands, each through `unit_of_work()`). Events recorded on the way are dispatched
after the commit and dropped by the rollback (models.core.events), and so are the
outbox's tasks.

The declared exceptions write in short transactions of their own, and say so where
they do: a tracked task's progress reports (models.ops.job_runs), a refusal
that must stick though the request fails (an ended session, an idempotency claim),
and a batch task's independent items."""
from contextlib import contextmanager

from models.core.db import db


@contextmanager
def unit_of_work(session=None):
    """Commit what the block wrote when it ends; roll it back when it raises (anything,
    a Celery retry included). The commit itself failing rolls back and raises too."""
    session = session or db.session
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise

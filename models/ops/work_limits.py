"""How much background work an organization may have waiting for a worker.

`check_queue()` runs when a job is started (models.ops.background_job.start):
an organization that already has QUEUED_JOBS_PER_KIND jobs of that kind queued
(QUEUED_JOBS_PER_KIND_EXCEPTIONS for kinds with their own number) is refused with
RateLimited until a worker has taken some. Running jobs do not count: the workers'
concurrency bounds those. The rate of starting work per user and organization is the
web layer's (web.conventions.work_limits). See docs/security.md."""
import zlib
from typing import Callable

from sqlalchemy import text

from models.core import settings
from models.core.db import db
from models.core.errors import RateLimited

RETRY_AFTER_SECONDS = 30  # a worker takes a queued job within seconds unless the queue is backed up


def queued_cap(kind: str) -> int:
    return settings.get("QUEUED_JOBS_PER_KIND_EXCEPTIONS", {}).get(kind, settings.get("QUEUED_JOBS_PER_KIND", 5))


def check_queue(kind: str, organization_id: int, count_queued: Callable[[int], int]) -> None:
    """Raise RateLimited if the organization's queue of `kind` is full; `count_queued(cap)`
    counts its queued jobs of that kind, up to `cap`. Call it in the transaction that will
    add the job: on PostgreSQL it holds a lock per organization and kind until that
    transaction ends, so simultaneous starts cannot both take the last place."""
    cap = queued_cap(kind)
    _lock(kind, organization_id)
    queued = count_queued(cap)
    if queued >= cap:
        raise RateLimited(f"This organization already has {queued} {kind} jobs waiting for a worker; "
                          "start more once they have started", retry_after=RETRY_AFTER_SECONDS,
                          kind=kind, queued=queued, limit=cap)


def _lock(kind: str, organization_id: int) -> None:
    if db.session.get_bind().dialect.name != "postgresql":
        return  # SQLite runs one writing transaction at a time
    kind_key = zlib.crc32(kind.encode()) - (1 << 31)  # the lock's second key is a signed int4
    db.session.execute(text("SELECT pg_advisory_xact_lock(:organization, :kind)"),
                       {"organization": organization_id, "kind": kind_key})

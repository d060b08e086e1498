"""Exact list totals without recounting 100k rows on every page view.

A list's total is cached in Redis under the organization's *generation* for
that table. Any committed ORM write to a row of the table bumps the generation
(after commit), so the next request counts afresh: totals are exact, and a
burst of reads between writes costs one COUNT. Writes that bypass the ORM
(bulk SQL) are covered by a short TTL: a total older than that is recounted by
one caller while the others keep answering with it, so its expiry does not send
every request in flight to COUNT at once. If Redis is down, we simply count."""
import hashlib
import logging
import time

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from models.core import context, events
from models.ops.restore import OrganizationRestored

log = logging.getLogger(__name__)

CACHED_TABLES: set[str] = set()
TTL_SECONDS = 60
KEPT_SECONDS = 2 * TTL_SECONDS  # an aged total stays, to answer with while one caller recounts it
RECOUNT_CLAIM_SECONDS = 10  # a recount that takes longer (or whose caller died) is claimed again
_TOUCHED = "fieldops_count_touched"


def _generation_key(table: str, org_id) -> str:
    return f"listcount:gen:{table}:{org_id}"


def cache_counts_of(model) -> None:
    CACHED_TABLES.add(model.__tablename__)


def cached_count(table: str, query_identity: str, compute) -> int:
    """`query_identity` names the exact query (endpoint, caller, filters): equal identities
    in one organization and generation have equal totals. A hit costs one Redis round trip:
    the total is stored with the generation it was counted in and when, and read beside the
    current generation."""
    org_id = context.current().organization_id
    generation_key = _generation_key(table, org_id)
    key = f"listcount:{table}:{org_id}:{hashlib.sha1(query_identity.encode()).hexdigest()}"
    try:
        redis = current_app.extensions["redis"]
        generation, stored = redis.mget(generation_key, key)
        generation = int(generation or 0)
        if stored is not None:
            counted_in, counted_at, total = stored.decode().split(":")
            if int(counted_in) == generation:
                if time.time() - float(counted_at) < TTL_SECONDS:
                    return int(total)
                if not redis.set(f"{key}:recount", 1, nx=True, ex=RECOUNT_CLAIM_SECONDS):
                    return int(total)  # another caller is recounting this one
    except Exception:  # Redis unavailable: correctness first, count in the database
        log.warning("count cache unavailable", exc_info=True)
        return compute()
    total = compute()
    try:
        redis.set(key, f"{generation}:{time.time()}:{total}", ex=KEPT_SECONDS)
        redis.delete(f"{key}:recount")
    except Exception:
        log.warning("count cache unavailable", exc_info=True)
    return total


@event.listens_for(Session, "after_flush")
def _note_writes(session, flush_context):
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in CACHED_TABLES:
            session.info.setdefault(_TOUCHED, set()).add((table, getattr(obj, "organization_id", None)))


@event.listens_for(Session, "after_commit")
def _bump_generations(session):
    touched = session.info.pop(_TOUCHED, None)
    if not touched:
        return
    try:
        redis = current_app.extensions["redis"]
        for table, org_id in touched:
            redis.incr(_generation_key(table, org_id))
    except Exception:  # the TTL bounds how long a total can lag
        log.warning("could not invalidate cached counts", exc_info=True)


@event.listens_for(Session, "after_rollback")
def _forget_writes(session):
    session.info.pop(_TOUCHED, None)


def _forget_restored(evt: OrganizationRestored) -> None:
    """A restore rewrote the organization's rows without the ORM: recount its lists."""
    try:
        redis = current_app.extensions["redis"]
        for table in CACHED_TABLES.intersection(evt.tables):
            redis.incr(_generation_key(table, evt.organization_id))
    except Exception:
        log.warning("could not invalidate cached counts", exc_info=True)


events.subscribe(OrganizationRestored, _forget_restored)

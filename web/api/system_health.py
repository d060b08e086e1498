"""System health for operators: one report of the database, Redis,
Celery's queues and workers, beat, disk space and the task outbox, with an
overall verdict. Always 200 (the `status` field carries the verdict): a probe
that fails says so in its own section. The Celery and Redis probes live in
tasks.inspection; this module adds the database, disk and outbox and judges."""
import shutil
from pathlib import Path

from flask import current_app
from flask.views import MethodView
from sqlalchemy import func, select, text

from models.core.db import as_utc, db, utcnow
from models.ops.outbox import OutboxMessage
from tasks import inspection
from web.auth import requires
from web.conventions.envelope import Blueprint
from web.schemas.system_health import SystemHealthSchema

blp = Blueprint("system_health", __name__, url_prefix="/api/v1/admin/system",
                description="System health: database, Redis, queues, workers, beat, disk, outbox")

DISK_LOW_PERCENT = 5.0
DISK_LOW_BYTES = 1024 ** 3
OUTBOX_BACKLOG_SECONDS = 60.0


def _database() -> dict:
    status = inspection.timed(lambda: db.session.execute(text("SELECT 1")))
    db.session.rollback()
    return {**status, "backend": db.engine.dialect.name}


def _outbox() -> dict | None:
    """Tasks committed but not yet handed to the broker (it was down when they were)."""
    try:
        pending, oldest = db.session.execute(select(func.count(), func.min(OutboxMessage.created_at))).one()
    except Exception:
        return None
    finally:
        db.session.rollback()
    age = (utcnow() - as_utc(oldest)).total_seconds() if oldest is not None else None
    return {"pending": pending, "oldest_age_seconds": None if age is None else round(age, 1),
            "backlogged": age is not None and age > OUTBOX_BACKLOG_SECONDS}


def _disk(storage_dir: str) -> dict:
    path = Path(storage_dir).resolve()
    while not path.exists() and path != path.parent:  # not created yet: its volume is the parent's
        path = path.parent
    try:
        usage = shutil.disk_usage(path)
    except OSError as exc:
        return {"path": storage_dir, "ok": False, "error": inspection.describe_failure(exc)}
    free_percent = 100.0 * usage.free / usage.total if usage.total else 0.0
    return {"path": storage_dir, "ok": True, "total_bytes": usage.total, "free_bytes": usage.free,
            "free_percent": round(free_percent, 1),
            "low": free_percent < DISK_LOW_PERCENT or usage.free < DISK_LOW_BYTES}


def _problems(report: dict) -> list[str]:
    """What an operator should look at, worst first."""
    problems = []
    if not report["database"]["ok"]:
        problems.append("The database is unreachable")
    if not report["redis"]["ok"]:
        problems.append("Redis (broker) is unreachable")
        return problems  # queues, workers and beat are known only through Redis
    workers = report["workers"]
    if workers is None:
        problems.append("The workers could not be asked")
    elif not workers:
        problems.append("No Celery worker is alive: background work waits in the queues")
    elif all(worker["queues"] is not None for worker in workers):
        consumed = {queue for worker in workers for queue in worker["queues"]}
        problems += [f"{queue['length']} message(s) wait in queue {queue['name']}, which no worker consumes"
                     for queue in report["queues"] or () if queue["length"] and queue["name"] not in consumed]
    beat = report["beat"]
    if beat["stale"]:
        problems.append("Beat is not running: Redis holds no record of its last run" if beat["age_seconds"] is None
                        else f"Beat last ran {beat['age_seconds']:.0f} s ago (expected within "
                             f"{beat['stale_after_seconds']:.0f} s)")
    disk = report["disk"]
    if not disk["ok"] or disk["low"]:
        problems.append(f"Disk space of {disk['path']} is low or unknown")
    outbox = report["outbox"]
    if outbox and outbox["backlogged"]:
        problems.append(f"{outbox['pending']} task(s) wait in the outbox, the oldest for "
                        f"{outbox['oldest_age_seconds']:.0f} s: is the broker or beat down?")
    return problems


def health_report(celery, storage_dir: str) -> dict:
    database = _database()
    client = inspection.broker_client(celery)
    redis_status = inspection.redis_status(client)
    broker_up = redis_status["ok"]
    report = {
        "checked_at": utcnow(), "database": database, "redis": redis_status,
        "queues": inspection.queue_lengths(client, celery) if broker_up else None,
        "workers": inspection.live_workers(celery) if broker_up else None,
        "beat": inspection.beat_status(client, celery) if broker_up else None,
        "disk": _disk(storage_dir), "outbox": _outbox() if database["ok"] else None,
    }
    for queue in report["queues"] or ():
        queue["consumers"] = None if report["workers"] is None else sum(
            queue["name"] in (worker["queues"] or ()) for worker in report["workers"])
    report["problems"] = _problems(report)
    report["status"] = "down" if not (database["ok"] and broker_up) else "degraded" if report["problems"] else "ok"
    return report


@blp.route("/health")
class SystemHealth(MethodView):
    @requires("system:health")
    @blp.response(200, SystemHealthSchema)
    def get(self):
        """The state of every moving part, with a verdict.

        `ok`, `degraded` (no live worker, beat stale, disk nearly full, an outbox backlog, a queue nobody
        consumes) or `down` (the database or Redis unreachable). Each probe has a timeout of about a
        second; `problems` lists what to look at."""
        return health_report(current_app.extensions["celery"], current_app.config["STORAGE_DIR"])

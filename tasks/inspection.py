"""What Celery itself says about work in flight, asked of the live workers with
a short timeout (a broadcast over the broker; workers answer from memory), and
the probes of the broker, the queues, the workers and beat that system health
reports."""
import functools
import logging
import time
from datetime import datetime, timedelta, timezone

import redis
from celery.signals import after_task_publish, beat_init

log = logging.getLogger(__name__)

INSPECT_TIMEOUT = 0.5
WORKER_STATES = {"active": "STARTED", "reserved": "RECEIVED", "scheduled": "SCHEDULED"}
FINISHED_STATES = {"succeeded": "SUCCESS", "failed": "FAILURE", "cancelled": "REVOKED"}


def live_state(celery, job) -> tuple[str | None, str | None]:
    """(celery_state, worker) of a BackgroundJob. Finished jobs answer from the row.
    An unfinished one is looked for on every worker: held by one -> that worker's
    state; not held, still queued -> PENDING (in the broker's queue); marked running
    but its worker answered without it -> LOST (redelivered once the broker's
    visibility timeout passes). None when the workers could not be asked."""
    if job.status in FINISHED_STATES:
        return FINISHED_STATES[job.status], job.worker
    try:
        replies = celery.control.inspect(timeout=INSPECT_TIMEOUT).query_task(job.id) or {}
    except Exception:  # broker unreachable: the row is all we know
        log.warning("could not inspect workers for %s", job.id, exc_info=True)
        return None, job.worker
    for worker, tasks in replies.items():
        if job.id in tasks:
            return WORKER_STATES.get(tasks[job.id][0], tasks[job.id][0].upper()), worker
    if job.status == "queued":
        return "PENDING", None
    if job.worker in replies:
        return "LOST", job.worker
    return None, job.worker  # its worker did not answer in time (busy, or gone)


def holders(celery, task_ids, timeout: float = INSPECT_TIMEOUT) -> tuple[set[str], dict[str, str]] | None:
    """Which live worker holds each of `task_ids` (running, reserved or scheduled):
    (the workers that answered, {task id: worker}). None when the broker could not be
    asked. A worker that does not answer within `timeout` is dead, or busy in a solo
    pool, or slow: callers must not take silence alone for death."""
    try:
        replies = celery.control.inspect(timeout=timeout).query_task(*task_ids) or {}
    except Exception:
        log.warning("could not ask the workers which tasks they hold", exc_info=True)
        return None
    answered = {name for name in replies if not name.startswith("celerybeat@")}
    held = {task_id: worker for worker, tasks in replies.items() for task_id in (tasks or {})}
    return answered, held


# --- system health ----------------------
# Each probe answers within about a second and reports a failure instead of raising.

HEALTH_INSPECT_TIMEOUT = 0.75
BEAT_LAST_RUN_KEY = "fieldops:beat:last_run"
BEAT_MIN_STALE_AFTER = 60.0
# kombu's Redis transport keeps a queue's messages of priority p > 0 in "<queue><sep><p>".
KOMBU_PRIORITY_SEP = "\x06\x16"
KOMBU_PRIORITY_STEPS = (0, 3, 6, 9)


def describe_failure(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


@functools.lru_cache(maxsize=4)
def _client_for(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def broker_client(celery) -> redis.Redis:
    """A Redis client on the broker with short timeouts, for probes."""
    return _client_for(celery.conf.broker_url)


def timed(check) -> dict:
    """Run a probe: `{ok: true, latency_ms}`, or `{ok: false, error}` instead of raising."""
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:
        return {"ok": False, "error": describe_failure(exc)}
    return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def redis_status(client: redis.Redis) -> dict:
    status = timed(client.ping)
    if not status["ok"]:
        return status
    try:
        memory = client.info("memory")
    except Exception as exc:
        return {"ok": False, "error": describe_failure(exc)}
    return {**status, "used_memory_bytes": memory.get("used_memory"), "used_memory_human": memory.get(
        "used_memory_human"), "maxmemory_bytes": memory.get("maxmemory") or None}


def queue_lengths(client: redis.Redis, celery) -> list[dict] | None:
    """Messages waiting in each of Celery's queues, all priorities (None: Redis did not answer)."""
    options = celery.conf.broker_transport_options or {}
    prefix = options.get("global_keyprefix", "")
    sep = options.get("sep", KOMBU_PRIORITY_SEP)
    steps = options.get("priority_steps", KOMBU_PRIORITY_STEPS)
    names = [queue.name for queue in celery.conf.task_queues or ()] or [celery.conf.task_default_queue]
    try:
        with client.pipeline(transaction=False) as pipe:
            for name in names:
                for step in steps:
                    pipe.llen(f"{prefix}{name}{sep}{step}" if step else f"{prefix}{name}")
            lengths = pipe.execute()
    except Exception:
        log.warning("could not read the queue lengths", exc_info=True)
        return None
    return [{"name": name, "length": sum(lengths[i * len(steps):(i + 1) * len(steps)])}
            for i, name in enumerate(names)]


def _ask(inspect, command: str) -> dict:
    try:
        return getattr(inspect, command)() or {}
    except Exception:
        log.warning("workers did not answer %s", command, exc_info=True)
        return {}


def live_workers(celery, timeout: float = HEALTH_INSPECT_TIMEOUT) -> list[dict] | None:
    """Workers answering a ping now, with what they consume and are running (None:
    the broker could not be asked). A worker busy in a solo pool answers no one."""
    try:
        pongs = celery.control.inspect(timeout=timeout).ping() or {}
    except Exception:
        log.warning("could not ping the workers", exc_info=True)
        return None
    names = sorted(name for name in pongs if not name.startswith("celerybeat@"))  # beat answers pings too
    if not names:
        return []
    # Asked by name with a reply limit, each answer comes back as soon as every worker has replied.
    inspect = celery.control.inspect(destination=names, limit=len(names), timeout=timeout)
    stats, queues, active = _ask(inspect, "stats"), _ask(inspect, "active_queues"), _ask(inspect, "active")
    workers = []
    for name in names:
        worker_stats = stats.get(name) or {}
        workers.append({
            "name": name,
            "queues": sorted(q["name"] for q in queues[name]) if name in queues else None,
            "active_tasks": len(active[name]) if name in active else None,
            "concurrency": (worker_stats.get("pool") or {}).get("max-concurrency"),
            "pid": worker_stats.get("pid"),
            "uptime_seconds": worker_stats.get("uptime"),
        })
    return workers


def beat_stale_after(schedule: dict) -> float:
    """How long beat may stay silent: three of its shortest intervals, at least a minute."""
    intervals = []
    for entry in (schedule or {}).values():
        every = entry.get("schedule")
        every = getattr(every, "run_every", every)  # celery.schedules.schedule; crontabs have no interval
        if isinstance(every, timedelta):
            every = every.total_seconds()
        if isinstance(every, (int, float)):
            intervals.append(float(every))
    return max(BEAT_MIN_STALE_AFTER, 3 * min(intervals)) if intervals else 5 * BEAT_MIN_STALE_AFTER


def record_beat_run(client: redis.Redis) -> None:
    client.set(BEAT_LAST_RUN_KEY, repr(time.time()))


def beat_status(client: redis.Redis, celery) -> dict:
    """When beat last started or handled a due entry (sent it, or found it had nothing to
    do: tasks.beat), and whether that is too long ago."""
    stale_after = beat_stale_after(celery.conf.beat_schedule)
    try:
        raw = client.get(BEAT_LAST_RUN_KEY)
    except Exception as exc:
        return {"last_run_at": None, "age_seconds": None, "stale": True, "stale_after_seconds": stale_after,
                "error": describe_failure(exc)}
    if raw is None:
        return {"last_run_at": None, "age_seconds": None, "stale": True, "stale_after_seconds": stale_after}
    last_run = float(raw)
    age = max(0.0, time.time() - last_run)
    return {"last_run_at": datetime.fromtimestamp(last_run, timezone.utc), "age_seconds": round(age, 1),
            "stale": age > stale_after, "stale_after_seconds": stale_after}


@beat_init.connect
def _watch_beat(sender, **_):
    """In the beat process: note beat's start and every task it sends, so health can
    tell how long ago beat last ran (whether or not any worker is there to run it)."""
    client = broker_client(sender.app)

    def record(**_ignored):
        try:
            record_beat_run(client)
        except Exception:  # never let bookkeeping stop beat from scheduling
            log.warning("could not record beat's run", exc_info=True)

    record()
    after_task_publish.connect(record, weak=False)

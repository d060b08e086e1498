"""scripts/bench, part `refunds` (`--only refunds`): refunds executed by one worker process.

--refunds paid bookings of the measured organization (seeded with --bookings) each get a refund
of their whole payment, requested and approved through the domain (models.marketplace.refund:
approve() starts a `refund` background job whose task, marketplace.execute_refund, the outbox
enqueues after the commit) while no worker consumes the task's queue. Then one worker as the
Procfile runs it (prefork, one pool process) on the queue celeryconfig routes the task to is
started and drains them through the sandbox provider. Rate = refunds between the first and the
last one processed (their `processed_at`), per second; every refund must end `succeeded`."""
import fnmatch
import time

from bench_exports import Worker

POLL_SECONDS = 0.2
BATCH = 200


def queue_of(task_name: str) -> str:
    """The queue celeryconfig routes `task_name` to (its default queue when no route matches)."""
    import celeryconfig

    for pattern, route in celeryconfig.task_routes.items():
        if fnmatch.fnmatchcase(task_name, pattern):
            return route["queue"]
    return celeryconfig.task_default_queue


def queue_refunds(app, organization_id: int, count: int) -> list[int]:
    """Request and approve a full refund of `count` paid bookings without one, in batches; their ids."""
    from sqlalchemy import select

    from models.core import context
    from models.core.db import db
    from models.core.unit_of_work import unit_of_work
    from models.identity import User
    from models.marketplace import refund as refunds
    from models.marketplace.booking import Booking
    from models.marketplace.payment import BookingPayment

    ids = []
    # The backlog is the point: lift the organization's cap on queued refund jobs (5 by default) in
    # this process, as QUEUED_JOBS_PER_KIND_EXCEPTIONS=refund=N would (the worker does not check it).
    caps = app.config.get("QUEUED_JOBS_PER_KIND_EXCEPTIONS") or {}
    app.config["QUEUED_JOBS_PER_KIND_EXCEPTIONS"] = {**caps, "refund": count + 1}
    with app.app_context(), context.acting_as(organization_id=organization_id):
        owner = db.session.scalar(select(User.id).where(User.role == "owner").order_by(User.id))
        held = select(refunds.Refund.booking_id)
        booking_ids = db.session.scalars(
            select(Booking.id).join(BookingPayment, BookingPayment.booking_id == Booking.id)
            .where(BookingPayment.status == "succeeded", Booking.payment_status == "paid", Booking.id.not_in(held))
            .order_by(Booking.id.desc()).limit(count)).all()
        for start in range(0, len(booking_ids), BATCH):
            with context.acting_as(user_id=owner), unit_of_work():
                for booking_id in booking_ids[start:start + BATCH]:
                    refund = refunds.request_refund(db.session.get(Booking, booking_id), amount=None,
                                                    reason="bench", actor_id=owner)
                    refunds.approve(refund, actor_id=owner, note="bench")
                    ids.append(refund.id)
            db.session.remove()
    return ids


def progress(app, organization_id: int, ids: list[int]) -> dict:
    from sqlalchemy import func, select

    from models.core import context
    from models.core.db import db
    from models.marketplace.refund import Refund

    with app.app_context(), context.acting_as(organization_id=organization_id):
        rows = db.session.execute(select(Refund.status, func.count(), func.min(Refund.processed_at),
                                         func.max(Refund.processed_at))
                                  .where(Refund.id.in_(ids)).group_by(Refund.status)).all()
        db.session.remove()
    return {status: {"count": n, "first": first, "last": last} for status, n, first, last in rows}


def run(app, env: dict, cleanup, organization_id: int, *, count: int, log, timeout: float = 900) -> dict:
    from models.marketplace.refund import EXECUTE_TASK

    queue = queue_of(EXECUTE_TASK)
    started = time.perf_counter()
    ids = queue_refunds(app, organization_id, count)
    if not ids:
        raise RuntimeError("no paid bookings to refund: seed some with --bookings")
    log(f"refunds: {len(ids)} approved and queued in {time.perf_counter() - started:.1f} s; "
        f"starting one worker on queue {queue!r}")
    worker = Worker(app, env, cleanup, queue=queue, name="bench-refunds")
    drained_from, deadline = time.perf_counter(), time.monotonic() + timeout
    while True:
        now = progress(app, organization_id, ids)
        finished = sum(now.get(s, {}).get("count", 0) for s in ("succeeded", "failed"))
        if finished >= len(ids):
            break
        if time.monotonic() > deadline:
            worker.stop()
            raise RuntimeError(f"refunds: only {finished} of {len(ids)} finished after {timeout:.0f} s: "
                               f"{ {s: v['count'] for s, v in now.items()} }")
        time.sleep(POLL_SECONDS)
    wall = time.perf_counter() - drained_from
    worker.stop()
    done = now.get("succeeded", {"count": 0, "first": None, "last": None})
    span = (done["last"] - done["first"]).total_seconds() if done["count"] > 1 else None
    out = {"worker": f"prefork, 1 pool process, queue {queue}", "refunds": len(ids), "succeeded": done["count"],
           "failed": now.get("failed", {}).get("count", 0), "drain_seconds": round(wall, 2),
           "per_second": round((done["count"] - 1) / span, 1) if span else None}
    log(f"refunds: one worker executed {out['succeeded']} refunds ({out['failed']} failed) at "
        f"{out['per_second']}/s; drained in {out['drain_seconds']} s")
    return out


def budget_rows(results: dict) -> list[dict]:
    """Rows of the bench's table: measured, no budget but that none fails."""
    r = results.get("refunds")
    if not r:
        return []
    return [{"metric": f"refunds executed per second (1 worker process, {r['refunds']} queued)",
             "value": r["per_second"], "unit": "/s", "budget": "-", "verdict": "-"},
            {"metric": "refunds that did not succeed", "value": r["refunds"] - r["succeeded"], "unit": "",
             "budget": "= 0", "verdict": "PASS" if r["succeeded"] == r["refunds"] else "MISS"}]

"""scripts/bench --only refunds: approved refunds executed by one worker against the sandbox provider.

N paid bookings of the measured organization (seeded by --bookings) get a refund each through the API
(POST /admin/refunds, then /approve: N `refund` background jobs wait on the default queue with no worker).
Then one worker (prefork, one pool process) starts and drains them; refunds per second are counted from
the refunds' own `processed_at` stamps (succeeded or failed), first to last, as bench_deliveries counts its deliveries."""
import time

from bench_exports import Worker

POLL_SECONDS = 0.5


def _processed(app, organization_id: int) -> dict:
    from sqlalchemy import func, select

    from models.core import context
    from models.core.db import db
    from models.marketplace.refund import Refund

    with app.app_context(), context.acting_as(organization_id=organization_id):
        count, first, last = db.session.execute(
            select(func.count(Refund.id), func.min(Refund.processed_at), func.max(Refund.processed_at))
            .where(Refund.status.in_(("succeeded", "failed")))).one()
        db.session.remove()
    seconds = (last - first).total_seconds() if count > 1 else None
    return {"processed": count, "seconds": round(seconds, 2) if seconds else None,
            "per_second": round((count - 1) / seconds, 1) if seconds else None}


def _paid_bookings(app, organization_id: int, limit: int) -> list[int]:
    from sqlalchemy import select

    from models.core import context
    from models.core.db import db
    from models.marketplace.booking import Booking

    with app.app_context(), context.acting_as(organization_id=organization_id):
        ids = db.session.scalars(select(Booking.id).where(Booking.payment_status == "paid")
                                 .order_by(Booking.id).limit(limit)).all()
        db.session.remove()
    return list(ids)


def run(app, env: dict, cleanup, base_url: str, owner_token: str, organization_id: int, *, refunds: int, log,
        api) -> dict:
    bookings = _paid_bookings(app, organization_id, refunds)
    if len(bookings) < refunds:
        raise RuntimeError(f"only {len(bookings)} paid bookings: seed more with --bookings")
    started = time.perf_counter()
    for booking_id in bookings:
        status, body = api(base_url, "POST", "/api/v1/admin/refunds", owner_token,
                           {"booking_id": booking_id, "reason": "bench"})
        if status != 201:
            raise RuntimeError(f"POST /admin/refunds answered {status}: {body}")
        status, body = api(base_url, "POST", f"/api/v1/admin/refunds/{body['data']['id']}/approve", owner_token, {})
        if status != 202:
            raise RuntimeError(f"approve answered {status}: {body}")
    log(f"refunds: {len(bookings)} refunds approved in {round(time.perf_counter() - started, 1)} s; "
        "starting one worker")
    worker = Worker(app, env, cleanup, queue="default", name="bench-refunds")
    deadline = time.monotonic() + 600
    while (done := _processed(app, organization_id))["processed"] < len(bookings):
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {done['processed']} refunds processed after 10 minutes")
        time.sleep(POLL_SECONDS)
    worker.stop()
    log(f"refunds: one worker executed {done['processed']} refunds at {done['per_second']}/s")
    return {"worker": "prefork, 1 pool process, queue default", "provider": "sandbox", "refunds": done}


def budget_rows(results: dict) -> list[dict]:
    """Measured, no budget."""
    r = results.get("refunds")
    if not r:
        return []
    return [{"metric": f"refunds executed per second (1 worker process, sandbox, {r['refunds']['processed']} queued)",
             "value": r["refunds"]["per_second"], "unit": "/s", "budget": "-", "verdict": "-"}]

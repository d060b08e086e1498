"""Executing an approved refund through the payment provider, exactly once (docs/api.md#refunds):
the body of the `refund` background job (tasks.marketplace.execute_refund).

- approved → processing, committed on its own before the provider is called: whatever happens next,
  the refund is known to be underway;
- the provider is asked with the idempotency key `refund-<id>`. A redelivered message (its worker died
  mid-call) or a retry after a transient failure finds the refund `processing` and asks again with the
  same key: the provider answers with the refund it made, and makes no second one;
- succeeded: `provider_refund_id`, `processed_at`, the payment's `refunded_amount` and the booking's
  `payment_status` (partially_refunded | refunded), in the task's unit of work, under the payment's lock;
  failed (refused for good, or still transient on the last attempt): `failure_reason`;
- a refund found succeeded, failed or rejected is left as it is.
The consumer is told when a refund succeeds, fails or is rejected (`marketplace.refund_updated`)."""
from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.core import context, events
from models.core.db import db, utcnow
from models.core.ports import PaymentPermanent, PaymentProvider, PaymentTransient
from models.marketplace import refund as refunds
from models.marketplace.booking import Booking
from models.marketplace.events import RefundUpdated
from models.marketplace.refund import Refund
from models.notify.notify import notify
from models.ops.background_job import BackgroundJob

NOTICE_KIND = "marketplace.refund_updated"
TOLD = {"succeeded": "Your refund went through", "failed": "Your refund could not be made",
        "rejected": "Your refund request was declined"}


def execute(job_id: str, providers: Callable[[str], PaymentProvider], *, last_attempt: bool) -> dict:
    """`providers(name)`: the adapter of the provider that charged the payment. `last_attempt`: a
    transient failure now ends the refund failed instead of being retried."""
    job = db.session.get(BackgroundJob, job_id)
    refund = db.session.get(Refund, (job.params or {}).get("refund_id")) if job else None
    if refund is None:
        return {"refund_id": None, "status": "missing"}
    if refund.status == "approved":
        _start_processing(refund.id)
        db.session.refresh(refund)
    if refund.status != "processing":
        return {"refund_id": refund.id, "status": refund.status}  # done already, or not approved
    payment = refund.payment
    try:
        answer = providers(payment.provider).refund(payment.provider_ref, refund.amount, f"refund-{refund.id}")
    except PaymentPermanent as exc:
        return _end(refund, "failed", failure_reason=exc.reason)
    except PaymentTransient as exc:
        if not last_attempt:
            raise
        return _end(refund, "failed", failure_reason=f"The payment provider stayed unavailable: {exc.reason}")
    return _end(refund, "succeeded", provider_refund_id=answer.id)


def _start_processing(refund_id: int) -> None:
    """approved → processing, committed at once (a short transaction of its own, as a claim)."""
    with Session(db.engine) as session:
        done = session.execute(update(Refund).where(Refund.id == refund_id, Refund.status == "approved")
                               .values(status="processing", updated_at=utcnow())
                               .execution_options(synchronize_session=False))
        if done.rowcount == 1:
            refunds.announce(session.get(Refund, refund_id), session)
        session.commit()


def _end(refund: Refund, status: str, **values) -> dict:
    payment = refunds.locked_payment(refund.payment)  # one refund of a payment settles at a time
    db.session.refresh(refund)
    if refund.status != "processing":  # another delivery settled it meanwhile
        return {"refund_id": refund.id, "status": refund.status}
    refund.status, refund.processed_at = status, utcnow()
    for name, value in values.items():
        setattr(refund, name, value[:2000] if name == "failure_reason" else value)
    if status == "succeeded":
        payment.refunded_amount = payment.refunded_amount + refund.amount
        booking = db.session.get(Booking, refund.booking_id)
        booking.payment_status = "refunded" if payment.refunded_amount >= payment.amount else "partially_refunded"
    refunds.announce(refund)
    db.session.flush()
    return {"refund_id": refund.id, "status": refund.status, "provider_refund_id": refund.provider_refund_id}


def _tell_the_consumer(evt: RefundUpdated, session) -> None:
    if evt.status not in TOLD:
        return
    with context.acting_as(organization_id=evt.organization_id):
        booking_number = session.scalar(select(Booking.booking_number).where(Booking.id == evt.booking_id))
        reason = session.scalar(select(Refund.failure_reason if evt.status == "failed" else Refund.rejected_reason)
                                .where(Refund.id == evt.refund_id))
        body = f"{evt.amount} {evt.currency} for booking {booking_number}."
        notify([evt.consumer_id], NOTICE_KIND, TOLD[evt.status], f"{body} {reason}" if reason else body,
               url=f"/bookings/{evt.booking_id}",
               data={"refund_id": evt.refund_id, "booking_id": evt.booking_id, "status": evt.status},
               session=session)


events.subscribe_in_transaction(RefundUpdated, _tell_the_consumer)

"""Paying a booking through the payment provider (docs/api.md#marketplace, POST /bookings/{id}/pay).

1. A `pending` payment row is taken, in a short transaction of its own under the booking's row lock:
   the one a request before left pending (its charge may have gone through), else a new one. Its id is
   the charge's idempotency key (`charge-<payment id>`), so a retried or concurrent request asks the
   provider for the same charge, never a second one.
2. The provider is asked; a transient failure is retried here a few times.
3. Succeeded: the payment and the booking (`paid`) are written in the request's unit of work.
   Declined: the payment row is kept `failed` with the reason (committed on its own, for the record),
   the request is refused 402 PAYMENT_DECLINED and the booking stays unpaid; a new attempt is a new row.
   Still transient: 503, the row stays pending for the next attempt to take up with the same key."""
import time

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.core.db import db, utcnow
from models.core.errors import Conflict, DependencyUnavailable, PaymentDeclined
from models.core.ports import PaymentPermanent, PaymentProvider, PaymentTransient, ProviderResult
from models.marketplace.booking import Booking
from models.marketplace.payment import BookingPayment

UNPAYABLE = ("cancelled",)
CHARGE_ATTEMPTS, CHARGE_BACKOFF_SECONDS = 3, (0.2, 0.5)


def charge_key(payment_id: int) -> str:
    return f"charge-{payment_id}"


def pay(booking: Booking, *, method: str, token: str | None, provider: PaymentProvider) -> BookingPayment:
    """The booking's succeeded payment, charged now; 409 when it is paid or cancelled, 402 when declined."""
    _check_payable(booking)
    payment_id = _take_pending_payment(booking, method, provider.name)
    try:
        result = _charge(provider, booking, method, token, charge_key(payment_id))
    except PaymentPermanent as exc:
        _record_failure(payment_id, exc.reason)
        raise PaymentDeclined(f"The payment was declined: {exc.reason}", reason=exc.code or "declined")
    return _settle(booking, payment_id, result)


def _check_payable(booking: Booking) -> None:
    if booking.status in UNPAYABLE:
        raise Conflict(f"A {booking.status} booking cannot be paid")
    if booking.payment_status != "unpaid":
        raise Conflict("This booking is paid already")


def _take_pending_payment(booking: Booking, method: str, provider: str) -> int:
    with Session(db.engine) as session:
        # A no-op write takes the booking's row lock (SQLite: the write lock): one request at a time here.
        session.execute(update(Booking).where(Booking.id == booking.id).values(payment_status=Booking.payment_status)
                        .execution_options(synchronize_session=False))
        rows = session.scalars(select(BookingPayment).where(BookingPayment.booking_id == booking.id,
                                                            BookingPayment.status.in_(("pending", "succeeded")))
                               .order_by(BookingPayment.id)).all()
        if any(row.status == "succeeded" for row in rows):
            raise Conflict("This booking is paid already")
        payment = rows[0] if rows else None
        if payment is None:
            payment = BookingPayment(booking_id=booking.id, organization_id=booking.organization_id,
                                     amount=booking.amount, currency=booking.currency, method=method, status="pending",
                                     provider=provider)
            session.add(payment)
        session.flush()
        payment_id = payment.id
        session.commit()
        return payment_id


def _charge(provider: PaymentProvider, booking: Booking, method: str, token: str | None, key: str) -> ProviderResult:
    for attempt in range(CHARGE_ATTEMPTS):
        try:
            return provider.charge(booking.amount, booking.currency, method, token, key)
        except PaymentTransient as exc:
            if attempt + 1 == CHARGE_ATTEMPTS:
                raise DependencyUnavailable(f"The payment provider is unavailable ({exc.reason}); try again")
            time.sleep(CHARGE_BACKOFF_SECONDS[attempt])


def _record_failure(payment_id: int, reason: str) -> None:
    with Session(db.engine) as session:
        payment = session.get(BookingPayment, payment_id)
        if payment is not None and payment.status == "pending":
            payment.status, payment.failure_reason = "failed", reason[:2000]
            session.commit()


def _settle(booking: Booking, payment_id: int, result: ProviderResult) -> BookingPayment:
    """Under the payment's row lock: a concurrent request that charged the same key settled it first (409)."""
    payment = db.session.scalar(select(BookingPayment).where(BookingPayment.id == payment_id).with_for_update()
                                .execution_options(populate_existing=True))
    if payment is None or payment.status != "pending":
        raise Conflict("This booking is paid already")
    payment.status, payment.provider_ref, payment.paid_at = "succeeded", result.id, utcnow()
    db.session.refresh(booking)
    if booking.payment_status != "unpaid":
        raise Conflict("This booking is paid already")
    booking.payment_status = "paid"
    db.session.flush()
    return payment

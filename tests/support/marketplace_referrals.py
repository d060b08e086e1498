"""Referrals and marketplace analytics for tests: referrals linked through the domain, the rows a
referral leaves (credits), concurrent booking moves, payments and refunds at given instants, and the
rollups refreshed as the refresh job would."""
import threading
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import func, select

from models.analytics import rollups
from models.core import context
from models.core.db import db
from models.core.unit_of_work import unit_of_work
from models.identity import Organization
from models.identity.user import User
from models.marketplace import booking as bookings
from models.marketplace import referrals
from models.marketplace.booking import Booking
from models.marketplace.payment import BookingPayment
from models.marketplace.referral import AccountCredit, Referral
from models.marketplace.refund import Refund

PRICE = Decimal("120.00")


def referral_code(app, tenant, role) -> str:
    with app.app_context(), context.acting_as(organization_id=tenant.org_id, user_id=tenant.user_ids[role]):
        code = referrals.code_for(db.session.get(User, tenant.user_ids[role])).code
        db.session.commit()
    return code


def refer(app, tenant, referrer_role="dispatcher", referred_role="customer") -> int:
    """The referred user signed up with the referrer's code: the referral's id."""
    code = referral_code(app, tenant, referrer_role)
    with app.app_context(), context.acting_as(organization_id=tenant.org_id):
        referral = referrals.link_signup(db.session.get(User, tenant.user_ids[referred_role]), code)
        db.session.commit()
        referral_id = referral.id
    return referral_id


def referral(app, org_id, referral_id) -> dict:
    with app.app_context(), context.acting_as(organization_id=org_id):
        row = db.session.get(Referral, referral_id)
        found = {"status": row.status, "qualifying_booking_id": row.qualifying_booking_id,
                 "reward_status": row.reward_status, "reward_amount": row.reward_amount,
                 "referred_user_id": row.referred_user_id}
    return found


def credits(app, org_id) -> list[tuple]:
    """(user_id, amount, referral_id) of every account credit of the organization."""
    with app.app_context(), context.acting_as(organization_id=org_id):
        rows = db.session.execute(select(AccountCredit.user_id, AccountCredit.amount, AccountCredit.referral_id)
                                  .order_by(AccountCredit.id)).all()
    return [tuple(row) for row in rows]


def set_setting(app, org_id, **values) -> None:
    with app.app_context():
        org = db.session.get(Organization, org_id)
        org.settings = {**(org.settings or {}), **values}
        db.session.commit()


def set_timezone(app, org_id, tz: str) -> None:
    with app.app_context():
        db.session.get(Organization, org_id).set_timezone(tz)
        db.session.commit()


def move_at_once(app, org_id, moves: list[tuple[int, str]], actor_id: int) -> list:
    """Each (booking id, status) moved in a thread and session of its own, all released together:
    each thread's outcome, "ok" or the exception its commit raised."""
    barrier, outcomes = threading.Barrier(len(moves)), [None] * len(moves)

    def run(index, booking_id, status):
        with app.app_context(), context.acting_as(organization_id=org_id, user_id=actor_id):
            try:
                booking = db.session.get(Booking, booking_id)
                barrier.wait(timeout=10)
                with unit_of_work():
                    bookings.move(booking, status, actor_id=actor_id)
                outcomes[index] = "ok"
            except Exception as exc:  # the loser of a race: what it raised is the outcome
                outcomes[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, *move)) for i, move in enumerate(moves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def pay(app, org_id, booking_id, at: datetime, method="card", amount=None) -> int:
    """A succeeded payment of the booking, paid at `at`."""
    with app.app_context(), context.acting_as(organization_id=org_id):
        booking = db.session.get(Booking, booking_id)
        payment = BookingPayment(booking_id=booking.id, amount=amount or booking.amount, currency=booking.currency,
                                 method=method, status="succeeded", provider="sandbox",
                                 provider_ref=f"ch_sbx_test_{booking.id}", paid_at=at)
        db.session.add(payment)
        booking.payment_status = "paid"
        db.session.commit()
        payment_id = payment.id
    return payment_id


def refund(app, org_id, payment_id, amount: Decimal, at: datetime, status="succeeded") -> int:
    with app.app_context(), context.acting_as(organization_id=org_id):
        payment = db.session.get(BookingPayment, payment_id)
        row = Refund(booking_id=payment.booking_id, payment_id=payment.id, amount=amount, currency="USD",
                     reason="test", status=status, processed_at=at if status in ("succeeded", "failed") else None)
        db.session.add(row)
        db.session.commit()
        refund_id = row.id
    return refund_id


def refresh(app, org_id, day_from: date, day_to: date) -> None:
    """Every rollup over the days, as the refresh job does."""
    with app.app_context(), unit_of_work():
        rollups.refresh_all(org_id, day_from, day_to)


def rows_of(app, org_id) -> dict:
    """The organization's bookings, succeeded payments and succeeded refunds, as plain values."""
    with app.app_context(), context.acting_as(organization_id=org_id):
        found = {
            "bookings": [dict(created_at=b.created_at, amount=b.amount, status=b.status, vendor_id=b.vendor_id,
                              service_id=b.service_id) for b in db.session.scalars(select(Booking))],
            "payments": [dict(paid_at=p.paid_at, amount=p.amount, method=p.method, vendor_id=b.vendor_id)
                         for p, b in db.session.execute(select(BookingPayment, Booking).join(
                             Booking, Booking.id == BookingPayment.booking_id)
                             .where(BookingPayment.status == "succeeded"))],
            "refunds": [dict(processed_at=r.processed_at, amount=r.amount, vendor_id=b.vendor_id)
                        for r, b in db.session.execute(select(Refund, Booking).join(
                            Booking, Booking.id == Refund.booking_id).where(Refund.status == "succeeded"))],
        }
    return found


def count_credits(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count(AccountCredit.id)).execution_options(all_tenants=True))
    return count


def utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def days_ago(days: int) -> datetime:
    return datetime.now(timezone.utc) - timedelta(days=days)

"""`seed-demo` brings a marketplace a user can work with at once: every status of every aggregate,
numbers and histories as the rules make them, consistent money and ratings, evidence files on
disk, and the printed vendor and consumer logins sign in."""
import hashlib
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from models.core import storage
from models.core.db import as_utc
from models.identity import Organization, User
from models.marketplace import booking as bookings
from models.marketplace import payment as payments
from models.marketplace import referral, refund, review, takedown
from models.marketplace.booking import Booking, BookingStatusHistory
from models.marketplace.payment import BookingPayment
from models.marketplace.referral import AccountCredit, Referral
from models.marketplace.refund import Refund
from models.marketplace.review import Review, ReviewModeration
from models.marketplace.service import Service
from models.marketplace.takedown import TakedownEvidence, TakedownRequest
from models.vendors import Vendor
from web.cli import DEMO_PASSWORD, DEMO_SLUG

LOGIN = "/api/v1/auth/login"


def _all(db, model, org_id):
    return db.session.scalars(select(model).where(model.organization_id == org_id)
                              .execution_options(all_tenants=True)).all()


def _seeded(app, db):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output, db.session.scalar(select(Organization.id).where(Organization.slug == DEMO_SLUG))


def test_seed_demo_makes_every_status_of_every_marketplace_aggregate(app, db):
    _, org_id = _seeded(app, db)
    now = datetime.now(timezone.utc)
    booked = _all(db, Booking, org_id)
    assert len(_all(db, Vendor, org_id)) == 8 and len(_all(db, Service, org_id)) == 20
    assert len({s.category for s in _all(db, Service, org_id)}) >= 8
    assert len([u for u in _all(db, User, org_id) if u.role == "customer"]) >= 40
    assert 550 <= len(booked) <= 650
    assert {b.status for b in booked} == set(bookings.STATUSES)
    assert {b.payment_status for b in booked} == set(bookings.PAYMENT_STATUSES)
    assert all(now - timedelta(days=121) <= as_utc(b.created_at) <= now for b in booked)
    assert all(as_utc(b.scheduled_at) > now for b in booked if b.status in ("pending", "confirmed"))
    assert all(as_utc(b.scheduled_at) < now for b in booked if b.status in ("completed", "no_show", "in_progress"))
    recent = sum(now - as_utc(b.created_at) < timedelta(days=30) for b in booked)
    oldest = sum(now - as_utc(b.created_at) > timedelta(days=90) for b in booked)
    assert recent > oldest  # busier lately

    by_year = defaultdict(list)  # numbered BKG-YYYY-NNNN in creation order, gap-free
    for b in sorted(booked, key=lambda b: (b.created_at, b.id)):
        by_year[b.booking_number[4:8]].append(int(b.booking_number[9:]))
    assert all(numbers == list(range(1, len(numbers) + 1)) for numbers in by_year.values())

    steps = defaultdict(list)
    for row in _all(db, BookingStatusHistory, org_id):
        steps[row.booking_id].append(row)
    for b in booked:
        rows = sorted(steps[b.id], key=lambda r: (r.created_at, r.id))
        assert (rows[0].from_status, rows[0].to_status) == (None, "pending") and rows[-1].to_status == b.status
        for before, after in zip(rows, rows[1:]):
            assert after.from_status == before.to_status
            assert after.to_status in bookings.WORKFLOW.moves[before.to_status]
        assert as_utc(rows[-1].created_at) <= now
        assert (b.cancelled_at is not None) == (b.status == "cancelled") == (b.cancellation_reason is not None)
        assert (b.completed_at is not None) == (b.status == "completed")

    paid = {p.booking_id: p for p in _all(db, BookingPayment, org_id) if p.status == "succeeded"}
    charged = _all(db, BookingPayment, org_id)
    assert {p.method for p in charged} == set(payments.METHODS) and {p.status for p in charged} >= {"succeeded",
                                                                                                    "failed"}
    assert all(p.paid_at is not None for p in paid.values())
    refunds = _all(db, Refund, org_id)
    assert {r.status for r in refunds} == set(refund.STATUSES)
    assert sum(r.status == "requested" for r in refunds) >= 3  # the approval queue is not a lone row
    for r in refunds:
        assert (r.processed_at is not None) == (r.status in ("succeeded", "failed"))
        assert (r.failure_reason is not None) == (r.status == "failed")
        assert (r.rejected_reason is not None) == (r.status == "rejected")
        assert (r.provider_refund_id is not None) == (r.status in ("succeeded", "failed"))
    succeeded = defaultdict(Decimal)
    for r in refunds:
        if r.status == "succeeded":
            succeeded[r.payment_id] += r.amount
    for b in booked:
        payment = paid.get(b.id)
        if payment is None:
            assert b.payment_status == "unpaid"
            continue
        assert payment.refunded_amount == succeeded.get(payment.id, 0) <= payment.amount
        expected = ("paid" if not payment.refunded_amount else
                    "refunded" if payment.refunded_amount == payment.amount else "partially_refunded")
        assert b.payment_status == expected
    holding = defaultdict(Decimal)
    for r in refunds:
        if r.status in refund.HOLDING:
            holding[r.payment_id] += r.amount
    amounts = {p.id: p.amount for p in charged}
    assert all(total <= amounts[payment_id] for payment_id, total in holding.items())


def test_seed_demo_reviews_takedowns_and_referrals(app, db):
    _, org_id = _seeded(app, db)
    now = datetime.now(timezone.utc)
    reviews = _all(db, Review, org_id)
    assert {r.status for r in reviews} == set(review.STATUSES)
    assert sum(r.rating >= 4 for r in reviews) > 2 * sum(r.rating <= 2 for r in reviews)  # mostly happy
    completed = {b.id for b in _all(db, Booking, org_id) if b.status == "completed"}
    assert all(r.booking_id in completed for r in reviews)
    moderated = defaultdict(list)
    for m in _all(db, ReviewModeration, org_id):
        moderated[m.review_id].append(m)
    for r in reviews:
        trail = sorted(moderated[r.id], key=lambda m: (m.created_at, m.id))
        assert r.status == (review.ACTIONS[trail[-1].action] if trail else "published")
    for vendor in _all(db, Vendor, org_id):
        ratings = [r.rating for r in reviews if r.vendor_id == vendor.id and r.status == "published"]
        assert vendor.reviews_count == len(ratings) and vendor.user_id is not None
        # the mean to one decimal, halves up (4.25 -> 4.3; Python's round would say 4.2)
        assert vendor.rating == ((Decimal(sum(ratings)) / len(ratings)).quantize(Decimal('0.1'), ROUND_HALF_UP)
                                 if ratings else None)

    requests = _all(db, TakedownRequest, org_id)
    assert {t.status for t in requests} == set(takedown.STATUSES)
    assert {t.base_priority for t in requests} == set(takedown.PRIORITIES)
    assert any(t.status == "pending" and now - as_utc(t.created_at) > timedelta(hours=72) for t in requests)
    for t in requests:
        assert (t.resolved_at is not None) == (t.status in ("accepted", "rejected"))
        if t.status == "accepted":
            assert any(m.takedown_request_id == t.id for m in moderated[t.review_id])
    files = _all(db, TakedownEvidence, org_id)
    assert {f.kind for f in files} == {"image", "text"}
    for f in files:
        data = storage.path_of(f.storage_key).read_bytes()
        assert len(data) == f.size and hashlib.sha256(data).hexdigest() == f.sha256
        assert data.startswith(b"\x89PNG") == (f.content_type == "image/png")

    referrals = _all(db, Referral, org_id)
    assert {r.status for r in referrals} == set(referral.STATUSES)
    credits = {c.referral_id: c for c in _all(db, AccountCredit, org_id)}
    for r in referrals:
        assert (r.id in credits) == (r.status == "rewarded") == (r.reward_status == "issued")
        if r.status in ("qualified", "rewarded"):
            assert r.qualifying_booking_id in completed and r.referred_user_id is not None
        if r.status == "expired":
            assert as_utc(r.expires_at) < now


def test_the_printed_marketplace_logins_sign_in_and_a_second_run_changes_nothing(app, client, db):
    output, org_id = _seeded(app, db)
    lines = [line.strip() for line in output.splitlines()]
    vendor_line = next(line for line in lines if "marketplace vendor" in line)
    consumer_line = next(line for line in lines if "marketplace consumer" in line)
    for line, role in ((vendor_line, "vendor"), (consumer_line, "customer")):
        email = line.split()[0]
        login = client.post(LOGIN, json={"email": email, "password": DEMO_PASSWORD})
        assert login.status_code == 200, login.get_json()
        token = login.get_json()["data"]["access_token"]
        me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"}).get_json()["data"]
        assert me["user"]["role"] == role
    vendor_user = db.session.scalar(select(User).where(User.email == vendor_line.split()[0])
                                    .execution_options(all_tenants=True))
    vendor = db.session.get(Vendor, vendor_user.vendor_id, execution_options={"all_tenants": True})
    assert vendor.user_id == vendor_user.id and vendor.name in vendor_line
    consumer = db.session.scalar(select(User).where(User.email == consumer_line.split()[0])
                                 .execution_options(all_tenants=True))
    mine = [b for b in _all(db, Booking, org_id) if b.user_id == consumer.id]
    assert len(mine) >= 10 and len({b.status for b in mine}) >= 3

    count = len(_all(db, Booking, org_id))
    again = app.test_cli_runner().invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "already present" in again.output and vendor_line in again.output
    assert len(_all(db, Booking, org_id)) == count

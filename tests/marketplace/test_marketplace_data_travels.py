"""An organization's marketplace travels in its backup: every table's rows and the takedown
evidence files (listed with their SHA-256 in the manifest), and a restore puts them back, the
files byte for byte. The sandbox provider's ledger is not the organization's and stays behind."""
import hashlib
import io
import json
import random
import tarfile
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import select, text

from models.core import context, storage
from models.core.db import db as _db
from models.integrations.sandbox_payments import SandboxTransaction
from models.marketplace.booking import Booking, BookingNote
from models.marketplace.demo_feedback import screenshot_png
from models.marketplace.payment import BookingPayment
from models.marketplace.referral import AccountCredit, Referral, ReferralCode
from models.marketplace.refund import Refund
from models.marketplace.review import Review, ReviewModeration
from models.marketplace.takedown import TakedownEvidence, TakedownRequest
from tests.support.backups import backup, differences, dump, restore
from tests.support.marketplace import Market

MARKETPLACE_TABLES = ("services", "bookings", "booking_status_history", "booking_notes", "booking_payments",
                      "refunds", "reviews", "review_moderations", "takedown_requests", "takedown_evidence",
                      "referral_codes", "referrals", "account_credits")
NOTE = b"Call notes: the customer withdrew the complaint by phone.\n"


def marketplace(app, tenant) -> dict:
    """One row of every marketplace table, linked as the product links them, and two evidence files."""
    market = Market(app, tenant)
    booking_id = market.booking("completed", paid=True)
    support, vendor_user = tenant.user_ids["support"], tenant.user_ids["vendor"]
    png = screenshot_png(random.Random(1))
    with app.app_context(), context.acting_as(organization_id=tenant.org_id, user_id=support):
        booking = _db.session.get(Booking, booking_id)
        payment = _db.session.scalar(select(BookingPayment).where(BookingPayment.booking_id == booking_id))
        now = datetime.now(timezone.utc)
        _db.session.add(BookingNote(booking_id=booking_id, author_id=support, body="Customer called about parking"))
        _db.session.add(Refund(booking_id=booking_id, payment_id=payment.id, amount=Decimal("20.00"), currency="USD",
                               reason="Late", status="succeeded", requested_by_id=support, processed_at=now,
                               provider_refund_id="re_sbx_travel"))
        payment.refunded_amount, booking.payment_status = Decimal("20.00"), "partially_refunded"
        review = Review(booking_id=booking_id, vendor_id=market.vendor_id, author_id=market.consumer_id, rating=1,
                        title="Avoid", body="They never came", status="hidden")
        _db.session.add(review)
        _db.session.flush()
        request = TakedownRequest(review_id=review.id, vendor_id=market.vendor_id, requested_by_id=vendor_user,
                                  reason_category="fake", description="No such visit", base_priority="high",
                                  status="accepted", decision="accept", resolution_action="hide",
                                  resolution_reason="Confirmed", resolved_by_id=support, resolved_at=now)
        _db.session.add(request)
        _db.session.flush()
        _db.session.add(ReviewModeration(review_id=review.id, action="hide", reason="Confirmed", actor_id=support,
                                         takedown_request_id=request.id))
        files = {}
        for name, content_type, kind, data in (("shot.png", "image/png", "image", png),
                                               ("notes.txt", "text/plain", "text", NOTE)):
            key = f"evidence/{tenant.org_id}/{request.id}/{name}"
            storage.write_bytes(key, data)
            files[key] = data
            _db.session.add(TakedownEvidence(request_id=request.id, filename=name, content_type=content_type,
                                             size=len(data), kind=kind, sha256=hashlib.sha256(data).hexdigest(),
                                             storage_key=key))
        _db.session.add(ReferralCode(user_id=market.consumer_id, code=f"TRAVEL{tenant.org_id}"))
        referral = Referral(code=f"TRAVEL{tenant.org_id}", referrer_id=market.consumer_id,
                            referred_email="friend@example.test", status="rewarded", reward_amount=Decimal("10.00"),
                            reward_currency="USD", reward_status="issued", reward_issued_at=now)
        _db.session.add(referral)
        _db.session.flush()
        _db.session.add(AccountCredit(user_id=market.consumer_id, amount=Decimal("10.00"), currency="USD",
                                      reason="Referral reward", referral_id=referral.id))
        _db.session.add(SandboxTransaction(kind="charge", idempotency_key=f"charge-travel-{tenant.org_id}",
                                           reference=f"ch_sbx_travel_{tenant.org_id}", amount=booking.amount,
                                           currency="USD", status="succeeded"))
        _db.session.commit()
        return {"booking_id": booking_id, "review_id": review.id, "files": files}


def on_disk(app, keys):
    with app.app_context():
        return {key: storage.path_of(key).read_bytes() if storage.path_of(key).is_file() else None for key in keys}


def test_a_backup_holds_the_marketplace_and_its_evidence_files_and_a_restore_puts_them_back(app, client, auth, db,
                                                                                              worker):
    made = marketplace(app, auth.a)
    marketplace(app, auth.b)  # another organization's rows and files stay out
    before = dump(db, auth.a.org_id)
    counts = {table: len(before[table]) for table in MARKETPLACE_TABLES}
    assert counts == {**dict.fromkeys(MARKETPLACE_TABLES, 1), "booking_status_history": 4, "takedown_evidence": 2}, counts
    assert "sandbox_transactions" not in before

    taken = backup(client, auth.a)
    assert all(taken["result"]["tables"][table] == len(before[table]) for table in MARKETPLACE_TABLES)
    assert "sandbox_transactions" not in taken["result"]["tables"]
    assert taken["result"]["files"] == {"count": 2, "bytes": sum(map(len, made["files"].values())), "missing": 0}
    download = client.get(taken["download_url"], headers=auth.a.headers())
    with tarfile.open(fileobj=io.BytesIO(download.data)) as tar:
        listed = json.loads(tar.extractfile("manifest.json").read())["files"]
        assert {entry["key"] for entry in listed} == set(made["files"])
        for entry in listed:
            assert entry["sha256"] == hashlib.sha256(made["files"][entry["key"]]).hexdigest()
            assert tar.extractfile(entry["file"]).read() == made["files"][entry["key"]]

    # After the backup: an evidence file is lost, the other overwritten, rows changed and deleted.
    lost, changed = sorted(made["files"])
    with app.app_context():
        storage.path_of(lost).unlink()
        storage.path_of(changed).write_bytes(b"not the evidence")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE reviews SET status = 'published' WHERE id = :id"), {"id": made["review_id"]})
        conn.execute(text("DELETE FROM review_moderations WHERE review_id = :id"), {"id": made["review_id"]})
        conn.execute(text("DELETE FROM refunds WHERE booking_id = :id"), {"id": made["booking_id"]})
        conn.execute(text("DELETE FROM referrals WHERE organization_id = :org"), {"org": auth.a.org_id})
    assert differences(dump(db, auth.a.org_id), before)
    ledger = db.session.scalars(select(SandboxTransaction.reference).order_by(SandboxTransaction.id)).all()

    done = restore(client, auth.a, taken["id"])
    assert done["status"] == "succeeded", done
    assert differences(dump(db, auth.a.org_id), before) == []
    assert on_disk(app, made["files"]) == made["files"]  # the same bytes
    db.session.rollback()
    assert db.session.scalars(select(SandboxTransaction.reference).order_by(SandboxTransaction.id)).all() == ledger

"""The demo organization's marketplace (web/cli.py seed-demo; docs/api.md#marketplace): services
of its vendors, consumers, about 600 bookings over the last 120 days in every status with their
history and payments, and refunds in every status. Reviews, takedown requests and referrals are
models.marketplace.demo_feedback.

Rows go in with bulk inserts, as the rest of the demo data (models.dispatch.demo_data): no audit
rows and no events. The rules are kept by construction: every booking's history follows WORKFLOW
to its status, numbers come from the numbering service in creation order, a payment's succeeded
refunds add up to its refunded_amount and the booking's payment_status says so, and the refunds
that hold money never exceed the payment. Runs in the caller's transaction."""
import random
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import bindparam, insert, select

from models.core.db import db, utcnow
from models.core.numbering import next_number_for
from models.identity.organization import Organization
from models.identity.user import User, create_user
from models.marketplace import demo_catalog as cat
from models.marketplace import demo_feedback
from models.marketplace.booking import Booking, BookingStatusHistory
from models.marketplace.demo_rows import Calendar, Plan, insert_rows, plan_booking, refund_rows
from models.marketplace.payment import BookingPayment
from models.marketplace.refund import Refund
from models.marketplace.service import Service
from models.vendors.vendor import Vendor

DEMO_VENDOR_LOGIN = ("Vic Vendor", "vendor@demo.fieldops.test", "Sparkle Clean Services")
DEMO_CONSUMER_LOGIN = ("Chris Consumer", "consumer@demo.fieldops.test")
DAYS = 120


def seed_marketplace(organization: Organization, *, rng: random.Random, password: str, admin_id: int,
                     support_id: int, consumers: int = 40, bookings: int = 600,
                     now: datetime | None = None) -> dict:
    """Add a marketplace to `organization`, whose demo vendors exist (models.vendors.demo_data);
    returns the counts written. `admin_id` approves refunds, `support_id` moderates."""
    now = now or utcnow()
    org_id = organization.id
    vendors = {v.name: v for v in db.session.execute(
        select(Vendor.id, Vendor.name, Vendor.email, Vendor.phone, Vendor.status).where(Vendor.organization_id == org_id))}
    services = _services(org_id, vendors, now)
    vendor_users = _vendor_users(org_id, vendors, password, now)
    people = _consumers(organization, rng, password, consumers, now)
    booking_people = people[:-demo_feedback.NEWCOMERS]  # the newest consumers have not booked yet
    calendar = Calendar(now, DAYS, organization.timezone or "UTC")
    plans = [plan_booking(rng, n, calendar, services, booking_people, vendor_users, support_id, bookings)
             for n in range(bookings)]
    plans.sort(key=lambda p: p.created_at)
    _write_bookings(organization, plans, rng, now)
    refunds = _write_refunds(org_id, plans, rng, admin_id, support_id, now)
    feedback = demo_feedback.seed_feedback(org_id, rng=rng, plans=plans, people=people, vendor_users=vendor_users,
                                           support_id=support_id, now=now)
    return {"services": len(services), "consumers": len(people), "bookings": len(plans),
            "payments": sum(len(p.payments) for p in plans), "refunds": refunds, **feedback}


def _services(org_id: int, vendors: dict, now: datetime) -> list[dict]:
    rows = []
    for vendor_name, offered in cat.SERVICES.items():
        vendor = vendors[vendor_name]
        for name, category, price, minutes, popularity in offered:
            rows.append({"organization_id": org_id, "vendor_id": vendor.id, "name": name, "category": category,
                         "description": f"{name} by {vendor_name}.", "price": Decimal(price), "currency": "USD",
                         "duration_minutes": minutes, "is_active": True,
                         "created_at": now - timedelta(days=DAYS + 30), "updated_at": now - timedelta(days=DAYS + 30),
                         "popularity": popularity, "vendor_status": vendor.status})
    ids = insert_rows(Service.__table__, [{k: v for k, v in r.items() if k not in ("popularity", "vendor_status")}
                                          for r in rows])
    for row, service_id in zip(rows, ids):
        row["id"] = service_id
    return rows


def _vendor_users(org_id: int, vendors: dict, password: str, now: datetime) -> dict[int, int]:
    """Each vendor's login (vendor role, linked both ways): vendor id -> user id. The demo vendor's
    is made through create_user with the demo password; the others share its hash."""
    name, email, vendor_name = DEMO_VENDOR_LOGIN
    demo = vendors[vendor_name]
    user = create_user(email=email, name=name, password=password, role="vendor", vendor_id=demo.id)
    others = [v for v in vendors.values() if v.id != demo.id]
    rows = [{"organization_id": org_id, "email": v.email, "name": f"{v.name} (login)", "phone": v.phone,
             "role": "vendor", "password_hash": user.password_hash, "is_active": True, "vendor_id": v.id,
             "created_at": now - timedelta(days=DAYS + 30), "updated_at": now - timedelta(days=DAYS + 30)}
            for v in others]
    ids = insert_rows(User.__table__, rows)
    links = {demo.id: user.id, **{v.id: user_id for v, user_id in zip(others, ids)}}
    table = Vendor.__table__
    db.session.connection().execute(table.update().where(table.c.id == bindparam("vid")).values(user_id=bindparam("uid")),
                                    [{"vid": vendor_id, "uid": user_id} for vendor_id, user_id in links.items()])
    return links


def _consumers(organization: Organization, rng: random.Random, password: str, count: int,
               now: datetime) -> list[dict]:
    """`count` consumers (customer role): the demo consumer first, the last NEWCOMERS joined lately."""
    name, email = DEMO_CONSUMER_LOGIN
    demo = create_user(email=email, name=name, password=password, role="customer")
    demo.created_at = now - timedelta(days=DAYS + 20)
    people = [{"id": demo.id, "name": name, "email": email, "weight": 6, "created_at": demo.created_at}]
    firsts, lasts = list(cat.FIRST_NAMES), list(cat.LAST_NAMES)
    rng.shuffle(firsts)
    rng.shuffle(lasts)
    rows = []
    for n in range(count - 1):
        first, last = firsts[n % len(firsts)], lasts[n % len(lasts)]
        newcomer = n >= count - 1 - demo_feedback.NEWCOMERS
        joined = now - (timedelta(days=rng.randrange(2, 12)) if newcomer
                        else timedelta(days=DAYS + rng.randrange(5, 60), hours=rng.randrange(24)))
        local = f"{first}.{last}".lower().replace("'", "")
        rows.append({"organization_id": organization.id, "email": f"{local}@{organization.slug}.example.test",
                     "name": f"{first} {last}", "phone": f"+1 917 555 {rng.randrange(1000, 9999)}",
                     "role": "customer", "password_hash": demo.password_hash, "is_active": True,
                     "created_at": joined, "updated_at": joined})
    for row, user_id in zip(rows, insert_rows(User.__table__, rows)):
        people.append({"id": user_id, "name": row["name"], "email": row["email"], "created_at": row["created_at"],
                       "weight": rng.choice((1, 1, 2, 3, 5))})
    return people


def _write_bookings(organization: Organization, plans: list[Plan], rng: random.Random, now: datetime) -> None:
    """The bookings, numbered in creation order, with their history and payments."""
    org_id = organization.id
    rows = []
    for plan in plans:
        place, streets = rng.choice(cat.PLACES)
        plan.number = next_number_for(organization, "BKG", plan.created_at)
        rows.append({"organization_id": org_id, "booking_number": plan.number, "status": plan.status,
                     "payment_status": plan.payment_status, "user_id": plan.consumer["id"],
                     "vendor_id": plan.service["vendor_id"], "service_id": plan.service["id"],
                     "scheduled_at": plan.scheduled_at, "duration_minutes": plan.service["duration_minutes"],
                     "amount": plan.service["price"], "currency": "USD",
                     "address": f"{rng.randrange(1, 480)} {rng.choice(streets)}", "city": place,
                     "customer_notes": rng.choice(cat.CUSTOMER_NOTES), "cancellation_reason": plan.cancel_reason,
                     "cancelled_by_id": plan.cancelled_by, "cancelled_at": plan.cancelled_at,
                     "completed_at": plan.completed_at, "version": len(plan.steps),
                     "created_at": plan.created_at, "updated_at": plan.steps[-1][3]})
    for plan, booking_id in zip(plans, insert_rows(Booking.__table__, rows)):
        plan.id = booking_id
    db.session.connection().execute(insert(BookingStatusHistory.__table__), [
        {"organization_id": org_id, "booking_id": plan.id, "from_status": before, "to_status": after,
         "actor_id": actor, "reason": reason, "created_at": at}
        for plan in plans for (before, after, actor, at), reason in zip(plan.steps, plan.step_reasons)])
    payments = [(plan, payment) for plan in plans for payment in plan.payments]
    rows = [{"organization_id": org_id, "booking_id": plan.id, "amount": plan.service["price"], "currency": "USD",
             "method": p["method"], "status": p["status"], "provider": "sandbox",
             "provider_ref": f"ch_sbx_demo_{plan.id}_{n}", "paid_at": p["paid_at"], "refunded_amount": Decimal("0.00"),
             "failure_reason": p.get("failure_reason"), "created_at": p["created_at"], "updated_at": p["created_at"]}
            for n, (plan, p) in enumerate(payments)]
    for (plan, payment), payment_id in zip(payments, insert_rows(BookingPayment.__table__, rows)):
        payment["id"] = payment_id


def _write_refunds(org_id: int, plans: list[Plan], rng: random.Random, admin_id: int, support_id: int,
                   now: datetime) -> int:
    rows, refunded = refund_rows(org_id, plans, rng, admin_id, support_id, now)
    if not rows:
        return 0
    insert_rows(Refund.__table__, rows)
    conn = db.session.connection()
    payments, bookings = BookingPayment.__table__, Booking.__table__
    for plan, amount in refunded:
        paid = plan.paid()
        conn.execute(payments.update().where(payments.c.id == paid["id"]).values(refunded_amount=amount))
        status = "refunded" if amount >= plan.service["price"] else "partially_refunded"
        conn.execute(bookings.update().where(bookings.c.id == plan.id).values(payment_status=status))
        plan.payment_status = status
    return len(rows)

"""The demo organization's CRM: a handful of leads in every status, deals at every stage, 40 issues
with its vendors and 60 orders with their lines and payments over the last 90 days, and 150
activities from 90 days back to 14 ahead (web/cli.py seed-demo). Runs in the caller's transaction,
acting in the organization."""
import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from models.core import context
from models.core.db import db, utcnow
from models.core.money import round_half_up
from models.crm.activity import TYPES, create_activity
from models.crm.deal import STAGES, create_deal
from models.crm.issue import create_issue
from models.crm.lead import SOURCES, create_lead
from models.crm.order import STATUSES as ORDER_STATUSES, TYPES as ORDER_TYPES, Order, cancel, create_order
from models.crm.payment import METHODS, create_payment
from models.dispatch.customer import Customer
from models.vendors.vendor import Vendor

LEADS = (
    ("Maria Lopez", "Lopez Bakery", "qualified"), ("Tom Becker", "Becker Logistics", "new"),
    ("Aisha Khan", "Khan Dental", "contacted"), ("Liam O'Brien", None, "unqualified"),
    ("Chen Wei", "Wei Imports", "qualified"), ("Sofia Rossi", "Rossi Architects", "new"),
)
DEALS = ("Quarterly HVAC maintenance", "Boiler replacement", "Office rewiring", "Annual service contract",
         "Rooftop unit install")


def seed_crm(organization_id: int, *, rng: random.Random, assignees=()) -> dict:
    assignees = [user.id for user in assignees] or [None]
    with context.acting_as(organization_id=organization_id):
        leads = [create_lead({"name": name, "company": company, "status": status, "source": rng.choice(SOURCES),
                              "email": f"{name.split()[0].lower()}@example.test",
                              "value": Decimal(rng.randrange(500, 20000)), "assigned_to_id": rng.choice(assignees)},
                             actor_id=None)
                 for name, company, status in LEADS]
        customers = list(db.session.scalars(select(Customer.id).order_by(Customer.id).limit(len(DEALS))))
        today = utcnow().date()
        deals = []
        for n, title in enumerate(DEALS):
            deals.append(create_deal(
                {"title": title, "stage": STAGES[n % len(STAGES)], "lead_id": leads[n].id if n < 2 else None,
                 "customer_id": customers[n] if n < len(customers) else None,
                 "value": Decimal(rng.randrange(1000, 50000)), "assigned_to_id": rng.choice(assignees),
                 "expected_close_date": today + timedelta(days=rng.randrange(-30, 60))}, actor_id=None))
        orders, payments = seed_orders(rng=rng, assignees=assignees)
        issues = seed_issues(organization_id, rng=rng, assignees=assignees)
        activities = seed_activities(rng=rng, assignees=assignees, leads=leads, deals=deals)
    return {"leads": len(LEADS), "deals": len(DEALS), "issues": issues, "orders": orders, "payments": payments,
            "activities": activities}


ISSUES = (
    ("Water stain returned after roof repair", "quality"), ("Crew arrived two hours late", "delivery"),
    ("Invoice charged for parts not used", "billing"), ("No reply to warranty request", "communication"),
    ("Thermostat wiring fault after install", "technical"), ("Replacement filter was the wrong size", "quality"),
    ("Materials delivered to the wrong site", "delivery"), ("Duplicate invoice for March service", "billing"),
    ("Technician left without a handover", "communication"), ("Breaker trips since panel upgrade", "technical"),
    ("Grout cracking a week after tiling", "quality"), ("Missed the scheduled maintenance window", "delivery"),
    ("Hourly rate above the quoted price", "billing"), ("Site left untidy after the job", "other"),
    ("Compressor noise after service", "technical"), ("Quote sent to the wrong contact", "communication"),
)
ISSUE_STATUSES = ("open", "open", "in_progress", "in_progress", "resolved", "resolved", "resolved", "closed")
ISSUE_PRIORITIES = ("low", "medium", "medium", "medium", "high", "high", "critical")
RESOLUTIONS = ("Vendor redid the work at no charge", "Credit note issued for the difference",
               "Apologised and rescheduled; confirmed done", "Part replaced under warranty")


def seed_issues(organization_id: int, *, rng: random.Random, assignees, count: int = 40, days: int = 90) -> int:
    """`count` issues with the organization's vendors, raised over the last `days` days, oldest
    first (so their numbers run in time order); the resolved and closed ones with notes."""
    vendors = list(db.session.scalars(select(Vendor.id).order_by(Vendor.id)))
    if not vendors:
        return 0
    orders = list(db.session.scalars(select(Order.id).order_by(Order.id)))  # some issues are about one
    now = utcnow()
    raised = sorted(now - timedelta(minutes=rng.randrange(60, days * 24 * 60)) for _ in range(count))
    for n, at in enumerate(raised):
        title, category = ISSUES[n % len(ISSUES)]
        status, assignee = rng.choice(ISSUE_STATUSES), rng.choice(assignees)
        issue = create_issue({"title": title, "category": category, "priority": rng.choice(ISSUE_PRIORITIES),
                              "description": f"Reported by the customer: {title.lower()}.",
                              "vendor_id": rng.choice(vendors), "assigned_to_id": assignee,
                              "order_id": rng.choice(orders) if orders and n % 3 == 0 else None,
                              "status": "in_progress" if status == "in_progress" else "open"}, actor_id=None, at=at)
        if status in ("resolved", "closed"):
            issue.status, issue.resolved_by_id = status, assignee
            issue.resolved_at = issue.updated_at = min(at + timedelta(hours=rng.randrange(2, 120)), now)
            issue.resolution_notes = rng.choice(RESOLUTIONS)
    return count


PRODUCTS = (("Air filter", "AF-16"), ("Thermostat", "TH-2"), ("Copper pipe 3m", "CP-3"), ("Ball valve", "BV-1"),
            ("Circuit breaker", "CB-20"), ("Labour hour", None), ("Sealant", "SL-5"), ("Compressor", "CM-9"))
ORDER_TITLES = ("Parts restock", "Site visit", "Equipment rental", "Replacement unit", "Service call", "Supplies")


def seed_orders(*, rng: random.Random, assignees, count: int = 60) -> tuple[int, int]:
    """`count` orders of 1-5 lines over the last 90 days in every status, with payments for most
    confirmed, under way or completed ones (some partial, some failed). Acting in the organization."""
    vendors = list(db.session.scalars(select(Vendor.id).order_by(Vendor.id))) or [None]
    customers = list(db.session.scalars(select(Customer.id).order_by(Customer.id))) or [None]
    now, payments = utcnow(), 0
    for n in range(count):
        when = now - timedelta(days=rng.randrange(90), hours=rng.randrange(24))
        status = ORDER_STATUSES[n % len(ORDER_STATUSES)]
        items = [{"item_name": name, "sku": sku, "quantity": Decimal(rng.randrange(1, 20)) / (2 if sku is None else 1),
                  "unit_price": round_half_up(Decimal(rng.randrange(500, 90000)) / 100)}
                 for name, sku in rng.sample(PRODUCTS, rng.randrange(1, 6))]
        order = create_order({"title": ORDER_TITLES[n % len(ORDER_TITLES)], "order_type": rng.choice(ORDER_TYPES),
                              "vendor_id": rng.choice(vendors), "customer_id": rng.choice(customers),
                              "order_date": when.date(), "delivery_date": when.date() + timedelta(days=rng.randrange(3, 21)),
                              "status": "draft" if status == "cancelled" else status,
                              "assigned_to_id": rng.choice(assignees), "items": items}, actor_id=None)
        if status == "cancelled":
            cancel(order, {"reason": "The customer withdrew"}, actor_id=None)
        order.created_at = order.updated_at = when
        if status in ("confirmed", "in_progress", "completed") and rng.random() < 0.85:
            share = 1 if status == "completed" else rng.choice((Decimal("0.3"), Decimal("0.5"), 1))
            outcome = "completed" if status == "completed" or rng.random() < 0.7 else "failed"
            payment = create_payment({"amount": max(round_half_up(order.total_amount * share), Decimal("0.01")),
                                      "order_id": order.id, "customer_id": order.customer_id, "payment_type": "incoming",
                                      "payment_method": rng.choice(METHODS), "status": outcome,
                                      "payment_date": when.date() + timedelta(days=rng.randrange(0, 10)),
                                      "invoice_number": f"INV-{1000 + n}"}, actor_id=None)
            if outcome == "failed":
                payment.failure_reason = "Card declined"
            payments += 1
    return count, payments


ACTIVITY_TITLES = {
    "call": ("Intro call", "Follow-up call", "Quote walkthrough"), "email": ("Quote sent", "Contract draft"),
    "telegram": ("Site photos request", "Arrival time"), "meeting": ("Site survey", "Contract review"),
    "task": ("Prepare the quote", "Book the crew", "Check the permit"), "note": ("Prefers mornings", "Gate code")}


def _type_fields(kind: str, n: int, rng: random.Random, when) -> dict:
    if kind == "call":
        return {"phone_number": f"+1555{rng.randrange(1000000, 9999999)}", "call_duration": rng.randrange(30, 1800),
                "call_recording_url": f"https://recordings.example.test/{n}.mp3" if n % 3 == 0 else None}
    if kind == "email":
        return {"email_subject": "Your service quote", "email_body": "Hello, please find our quote attached.",
                "email_attachments": [f"https://files.example.test/quote-{n}.pdf"]}
    if kind == "telegram":
        return {"telegram_username": f"@client{n}", "telegram_chat_id": str(rng.randrange(10**8, 10**9))}
    if kind == "meeting":
        return {"meeting_location": "Customer site", "meeting_url": f"https://meet.example.test/{n}" if n % 2 else None,
                "attendees": rng.sample(["Dana", "Lee", "Priya", "Marco", "Sam"], 2)}
    if kind == "task":
        return {"task_priority": rng.choice(("low", "medium", "high")), "task_due_date": when.date()}
    return {"is_pinned": n % 5 == 0}


def seed_activities(*, rng: random.Random, assignees, leads, deals, count: int = 150) -> int:
    """`count` activities from 90 days back to 14 days ahead, all types, about the demo's customers,
    leads and deals: past ones mostly completed (some cancelled, some overdue), future ones scheduled."""
    customers = list(db.session.scalars(select(Customer.id).order_by(Customer.id).limit(20))) or [None]
    now = utcnow()
    for n in range(count):
        kind = TYPES[n % len(TYPES)]
        when = now + timedelta(minutes=rng.randrange(-90 * 24 * 60, 14 * 24 * 60))
        roll = rng.random()
        status = ("scheduled" if when > now else "completed" if roll < 0.75 else "cancelled" if roll < 0.85
                  else rng.choice(("scheduled", "in_progress")))  # the rest are overdue
        about = n % 3
        create_activity({"activity_type": kind, "title": rng.choice(ACTIVITY_TITLES[kind]), "status": status,
                         "description": "Logged from the demo data." if n % 4 == 0 else None, "scheduled_at": when,
                         "customer_id": rng.choice(customers) if about == 0 else None,
                         "lead_id": rng.choice(leads).id if about == 1 else None,
                         "deal_id": rng.choice(deals).id if about == 2 else None,
                         "assigned_to_id": rng.choice(assignees), **_type_fields(kind, n, rng, when)}, actor_id=None)
    return count

"""The demo organization's CRM: a handful of leads in every status, deals at every stage, and
150 activities of every type around today (web/cli.py seed-demo). Runs in the caller's
transaction, acting in the organization."""
import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from models.core import context
from models.core.db import db, utcnow
from models.crm.activity import TYPES, create_activity
from models.crm.deal import STAGES, create_deal
from models.crm.lead import SOURCES, create_lead
from models.dispatch.customer import Customer

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
        activities = seed_activities(rng=rng, assignees=assignees, leads=leads, deals=deals)
    return {"leads": len(LEADS), "deals": len(DEALS), "activities": activities}


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

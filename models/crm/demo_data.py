"""The demo organization's CRM: a handful of leads in every status, deals at every stage, and
40 issues with its vendors over the last 90 days (web/cli.py seed-demo). Runs in the caller's
transaction, acting in the organization."""
import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from models.core import context
from models.core.db import db, utcnow
from models.crm.deal import STAGES, create_deal
from models.crm.issue import create_issue
from models.crm.lead import SOURCES, create_lead
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
        for n, title in enumerate(DEALS):
            create_deal({"title": title, "stage": STAGES[n % len(STAGES)], "lead_id": leads[n].id if n < 2 else None,
                         "customer_id": customers[n] if n < len(customers) else None,
                         "value": Decimal(rng.randrange(1000, 50000)), "assigned_to_id": rng.choice(assignees),
                         "expected_close_date": today + timedelta(days=rng.randrange(-30, 60))}, actor_id=None)
        issues = seed_issues(organization_id, rng=rng, assignees=assignees)
    return {"leads": len(LEADS), "deals": len(DEALS), "issues": issues}


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
    now = utcnow()
    raised = sorted(now - timedelta(minutes=rng.randrange(60, days * 24 * 60)) for _ in range(count))
    for n, at in enumerate(raised):
        title, category = ISSUES[n % len(ISSUES)]
        status, assignee = rng.choice(ISSUE_STATUSES), rng.choice(assignees)
        issue = create_issue({"title": title, "category": category, "priority": rng.choice(ISSUE_PRIORITIES),
                              "description": f"Reported by the customer: {title.lower()}.",
                              "vendor_id": rng.choice(vendors), "assigned_to_id": assignee,
                              "status": "in_progress" if status == "in_progress" else "open"}, actor_id=None, at=at)
        if status in ("resolved", "closed"):
            issue.status, issue.resolved_by_id = status, assignee
            issue.resolved_at = issue.updated_at = min(at + timedelta(hours=rng.randrange(2, 120)), now)
            issue.resolution_notes = rng.choice(RESOLUTIONS)
    return count

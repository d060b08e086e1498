"""The demo organization's CRM: a handful of leads in every status, and deals at every stage
(web/cli.py seed-demo). Runs in the caller's transaction, acting in the organization."""
import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from models.core import context
from models.core.db import db, utcnow
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
        for n, title in enumerate(DEALS):
            create_deal({"title": title, "stage": STAGES[n % len(STAGES)], "lead_id": leads[n].id if n < 2 else None,
                         "customer_id": customers[n] if n < len(customers) else None,
                         "value": Decimal(rng.randrange(1000, 50000)), "assigned_to_id": rng.choice(assignees),
                         "expected_close_date": today + timedelta(days=rng.randrange(-30, 60))}, actor_id=None)
    return {"leads": len(LEADS), "deals": len(DEALS)}

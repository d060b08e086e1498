"""Converting a qualified lead: a customer (dispatch's) and a deal, in the caller's unit of work;
each row's creation and the lead's move are in the audit log, with the actor."""
from dataclasses import dataclass

from models.core.db import db
from models.core.errors import Conflict
from models.crm.deal import Deal, create_deal
from models.crm.lead import Lead
from models.dispatch.customer import Customer


@dataclass
class Conversion:
    deal: Deal
    customer: Customer


def convert(lead: Lead, *, title: str | None = None, actor_id: int | None) -> Conversion:
    if lead.status != "qualified":
        raise Conflict(f"Only a qualified lead converts; this one is {lead.status}", status=[lead.status])
    customer = Customer(name=lead.company or lead.name, contact_person=lead.name if lead.company else None,
                        email=lead.email, phone=lead.phone)
    db.session.add(customer)
    db.session.flush()
    deal = create_deal({"title": title or customer.name,
                        "customer_id": customer.id, "lead_id": lead.id, "value": lead.value,
                        "assigned_to_id": lead.assigned_to_id}, actor_id=actor_id)
    lead.status = "converted"
    return Conversion(deal, customer)

"""A lead: someone who may become a customer. `convert` (models.crm.conversion) turns a
qualified one into a customer and a deal."""
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core.audit import Audited
from models.core.db import Timestamped, db, relinked
from models.core.errors import ValidationFailed
from models.core.exports import ExportSpec
from models.core.fields import checked
from models.core.listing import ListSpec, any_of, equal_to, on_or_after, on_or_before
from models.core.money import Money
from models.core.tenancy import SoftDeletable, TenantScoped, live_index
from models.crm import refs
from models.identity.user import User

SOURCES = ("website", "referral", "event", "cold_call", "other")
STATUSES = ("new", "contacted", "qualified", "unqualified", "converted")
SETTABLE_STATUSES = STATUSES[:-1]  # `converted` only by converting
EDITABLE = ("name", "company", "email", "phone", "source", "status", "value", "assigned_to_id", "notes")
# The rows a lead points at, by field: of the organization, in a body or a list filter (422 otherwise).
LEAD_LINKS = {"assigned_to_id": (User, "user")}


class Lead(Audited, TenantScoped, SoftDeletable, Timestamped, db.Model):
    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    company: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(20), default="other", nullable=False)
    status: Mapped[str] = mapped_column(String(20), default="new", nullable=False)
    value: Mapped[Decimal | None] = mapped_column(Money())
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    assigned_to = relationship(User, foreign_keys=[assigned_to_id], lazy="joined")
    created_by = relationship(User, foreign_keys=[created_by_id], lazy="joined")

    __table_args__ = (live_index("ix_leads_org_created", "organization_id", "created_at", "id"),
                      db.Index("ix_leads_org_status", "organization_id", "status"),)


    @property
    def currency(self) -> str:
        return refs.currency_of(self.organization_id)


def _checked(fields: dict) -> dict:
    if fields.get("status") == "converted":
        raise ValidationFailed("A lead is converted by POST /leads/{id}/convert",
                               status=[f"one of {', '.join(SETTABLE_STATUSES)}"])
    return checked(fields, EDITABLE, choices={"source": SOURCES, "status": STATUSES}, links=LEAD_LINKS)


def create_lead(fields: dict, *, actor_id: int | None) -> Lead:
    lead = Lead(**_checked(fields), created_by_id=actor_id)
    db.session.add(lead)
    db.session.flush()
    return lead


def update_lead(lead: Lead, changes: dict) -> Lead:
    """PATCH's changes, or PUT's every field (a missing optional one is cleared)."""
    for name, value in _checked(changes).items():
        setattr(lead, name, value)
    return relinked(lead)


LEADS = ListSpec(
    sortable={"name": Lead.name, "company": Lead.company, "value": Lead.value, "status": Lead.status,
              "created_at": Lead.created_at, "updated_at": Lead.updated_at},
    default_sort="-created_at", id=Lead.id, ids_descending=True,
    filters={
        "status": any_of(Lead.status, STATUSES),
        "source": any_of(Lead.source, SOURCES),
        "assigned_to_id": equal_to(Lead.assigned_to_id, description="assigned to this user"),
        "created_from": on_or_after(Lead.created_at, "created on or after (UTC day)"),
        "created_to": on_or_before(Lead.created_at, "created on or before (UTC day)"),
    },
    search=(Lead.name, Lead.company, Lead.email, Lead.phone),
)

EXPORT = ExportSpec(
    resource="leads", model=Lead, permission="crm:read", description="CRM leads, their source, status and value",
    columns=[("id", Lead.id), ("name", Lead.name), ("company", Lead.company), ("email", Lead.email),
             ("phone", Lead.phone), ("source", Lead.source), ("status", Lead.status), ("value", Lead.value),
             ("assigned_to_id", Lead.assigned_to_id), ("assigned_to_name", User.name), ("notes", Lead.notes),
             ("created_by_id", Lead.created_by_id), ("created_at", Lead.created_at), ("updated_at", Lead.updated_at)],
    joins=[(User, User.id == Lead.assigned_to_id)],
    listing=LEADS,
)

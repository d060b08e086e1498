"""A deal: a sale in the making, with a customer (dispatch's) and the lead it came from."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core import context
from models.core.audit import Audited
from models.core.db import Timestamped, db, relinked
from models.core.exports import ExportSpec
from models.core.fields import checked
from models.core.listing import ListSpec, any_of, equal_to, on_or_after, on_or_before
from models.core.money import Money
from models.core.tenancy import SoftDeletable, TenantScoped, live_index
from models.crm import refs
from models.crm.lead import Lead
from models.dispatch.customer import Customer
from models.identity.user import User

STAGES = ("prospecting", "proposal", "negotiation", "won", "lost")
EDITABLE = ("title", "customer_id", "lead_id", "value", "stage", "expected_close_date", "assigned_to_id")
# The rows a deal points at, by field: of the organization, in a body or a list filter (422 otherwise).
DEAL_LINKS = {"customer_id": (Customer, "customer"), "lead_id": (Lead, "lead"), "assigned_to_id": (User, "user")}


class Deal(Audited, TenantScoped, SoftDeletable, Timestamped, db.Model):
    __tablename__ = "deals"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"), index=True)
    value: Mapped[Decimal | None] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3), nullable=False)  # the organization's, when created
    stage: Mapped[str] = mapped_column(String(20), default="prospecting", nullable=False)
    expected_close_date: Mapped[date | None] = mapped_column(Date)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    customer = relationship(Customer, lazy="joined")
    lead = relationship(Lead, lazy="joined")
    assigned_to = relationship(User, foreign_keys=[assigned_to_id], lazy="joined")
    created_by = relationship(User, foreign_keys=[created_by_id], lazy="joined")

    __table_args__ = (live_index("ix_deals_org_created", "organization_id", "created_at", "id"),
                      db.Index("ix_deals_org_stage", "organization_id", "stage"),)

    @property
    def name(self) -> str:
        """What a detail shows of it (`deal: {id, name}`)."""
        return self.title


def _checked(fields: dict) -> dict:
    return checked(fields, EDITABLE, choices={"stage": STAGES}, links=DEAL_LINKS)


def create_deal(fields: dict, *, actor_id: int | None) -> Deal:
    deal = Deal(**_checked(fields), created_by_id=actor_id,
                currency=refs.currency_of(context.current().organization_id))
    db.session.add(deal)
    db.session.flush()
    return deal


def update_deal(deal: Deal, changes: dict) -> Deal:
    """PATCH's changes, or PUT's every field (a missing optional one is cleared)."""
    for name, value in _checked(changes).items():
        setattr(deal, name, value)
    return relinked(deal)


DEALS = ListSpec(
    sortable={"title": Deal.title, "value": Deal.value, "stage": Deal.stage,
              "expected_close_date": Deal.expected_close_date, "created_at": Deal.created_at,
              "updated_at": Deal.updated_at},
    default_sort="-created_at", id=Deal.id, ids_descending=True,
    filters={
        "stage": any_of(Deal.stage, STAGES),
        "customer_id": equal_to(Deal.customer_id, description="of this customer"),
        "lead_id": equal_to(Deal.lead_id, description="from this lead"),
        "assigned_to_id": equal_to(Deal.assigned_to_id, description="assigned to this user"),
        "close_from": on_or_after(Deal.expected_close_date, "expected to close on or after"),
        "close_to": on_or_before(Deal.expected_close_date, "expected to close on or before"),
    },
    search=(Deal.title,),
)

EXPORT = ExportSpec(
    resource="deals", model=Deal, permission="crm:read", description="CRM deals, their stage, value and close date",
    columns=[("id", Deal.id), ("title", Deal.title), ("customer_id", Deal.customer_id),
             ("customer_name", Customer.name), ("lead_id", Deal.lead_id), ("value", Deal.value),
             ("currency", Deal.currency), ("stage", Deal.stage), ("expected_close_date", Deal.expected_close_date),
             ("assigned_to_id", Deal.assigned_to_id), ("assigned_to_name", User.name),
             ("created_by_id", Deal.created_by_id), ("created_at", Deal.created_at), ("updated_at", Deal.updated_at)],
    joins=[(Customer, Customer.id == Deal.customer_id), (User, User.id == Deal.assigned_to_id)],
    listing=DEALS,
)

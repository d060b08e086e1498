"""An issue: a problem with a vendor's work (quality, delivery, billing...), numbered ISS-YYYY-NNNN,
worked open → in_progress → resolved → closed; `resolve` and `reopen` are its actions, and a write
of `status` follows the same rule (`Issue.set_status`). docs/api.md#crm."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, case
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core import context
from models.core.audit import Audited
from models.core.db import Timestamped, db, relinked, utcnow
from models.core.errors import InvalidTransition
from models.core.exports import ExportSpec
from models.core.fields import checked
from models.core.listing import ListSpec, any_of, equal_to
from models.core.numbering import next_number_for
from models.core.tenancy import SoftDeletable, TenantScoped, live_index
from models.crm.order import Order
from models.identity.organization import Organization
from models.identity.user import User
from models.vendors.vendor import Vendor

PRIORITIES = ("low", "medium", "high", "critical")
CATEGORIES = ("quality", "delivery", "billing", "communication", "technical", "other")
STATUSES = ("open", "in_progress", "resolved", "closed")
RESOLVABLE = ("open", "in_progress")
REOPENABLE = ("resolved", "closed")
EDITABLE = ("title", "description", "priority", "category", "status", "vendor_id", "order_id", "assigned_to_id",
            "resolution_notes")
# The rows an issue points at, by field: of the organization, in a body or a list filter (422 otherwise).
ISSUE_LINKS = {"vendor_id": (Vendor, "vendor"), "order_id": (Order, "order"), "assigned_to_id": (User, "user")}


class Issue(Audited, TenantScoped, SoftDeletable, Timestamped, db.Model):
    __tablename__ = "issues"

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_number: Mapped[str] = mapped_column(String(20), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(20), default="medium", nullable=False)
    category: Mapped[str] = mapped_column(String(20), default="other", nullable=False)
    status: Mapped[str] = mapped_column(String(20), default="open", nullable=False)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), index=True, nullable=False)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution_notes: Mapped[str | None] = mapped_column(Text)

    vendor = relationship(Vendor, lazy="joined")
    order = relationship(Order, lazy="joined")
    assigned_to = relationship(User, foreign_keys=[assigned_to_id], lazy="joined")
    created_by = relationship(User, foreign_keys=[created_by_id], lazy="joined")
    resolved_by = relationship(User, foreign_keys=[resolved_by_id], lazy="joined")

    __table_args__ = (
        live_index("ix_issues_org_created", "organization_id", "created_at", "id"),
        db.UniqueConstraint("organization_id", "issue_number"),
        db.Index("ix_issues_org_status", "organization_id", "status"),
        db.Index("ix_issues_org_priority", "organization_id", "priority"),
        db.Index("ix_issues_org_category", "organization_id", "category"),
    )



    def set_status(self, status: str, *, actor_id: int | None) -> None:
        """The one rule of every move, by an action or by a write: becoming resolved records who
        and when; going back to open or in_progress forgets them; closing keeps them."""
        if status == "resolved" and self.status != "resolved":
            self.resolved_by_id, self.resolved_at = actor_id, utcnow()
        elif status in RESOLVABLE:
            self.resolved_by_id, self.resolved_at = None, None
        self.status = status


def _checked(fields: dict) -> dict:
    return checked(fields, EDITABLE, choices={"priority": PRIORITIES, "category": CATEGORIES, "status": STATUSES},
                   links=ISSUE_LINKS)


def create_issue(fields: dict, *, actor_id: int | None, at: datetime | None = None) -> Issue:
    """Numbered inside the caller's transaction: a create that fails takes its number back. `at`
    (default now) back-dates it, number's year included: the demo's issues."""
    fields = dict(_checked(fields))
    status = fields.pop("status", "open")
    organization = db.session.get(Organization, context.current().organization_id)
    at = at or utcnow()
    issue = Issue(**fields, status="open", created_by_id=actor_id, created_at=at, updated_at=at,
                  issue_number=next_number_for(organization, "ISS", at))
    issue.set_status(status, actor_id=actor_id)
    db.session.add(issue)
    db.session.flush()
    return issue


def update_issue(issue: Issue, changes: dict) -> Issue:
    """PATCH's changes, or PUT's every field (a missing optional one is cleared)."""
    changes = dict(_checked(changes))
    if "status" in changes:
        issue.set_status(changes.pop("status"), actor_id=context.current().user_id)
    for name, value in changes.items():
        setattr(issue, name, value)
    return relinked(issue)


def resolve(issue: Issue, fields: dict, *, actor_id: int | None) -> Issue:
    if issue.status not in RESOLVABLE:
        raise InvalidTransition(f"A {issue.status} issue cannot be resolved", allowed=list(RESOLVABLE))
    issue.set_status("resolved", actor_id=actor_id)
    if "resolution_notes" in fields:
        issue.resolution_notes = fields["resolution_notes"]
    return relinked(issue)


def reopen(issue: Issue, fields: dict, *, actor_id: int | None) -> Issue:
    if issue.status not in REOPENABLE:
        raise InvalidTransition(f"A {issue.status} issue is not reopened", allowed=list(REOPENABLE))
    issue.set_status("open", actor_id=actor_id)
    return relinked(issue)


def _rank(column, values):
    """A column of enum values ordered as the values are listed (low before critical)."""
    return case({value: rank for rank, value in enumerate(values)}, value=column)


ISSUES = ListSpec(
    sortable={"created_at": Issue.created_at, "updated_at": Issue.updated_at,
              "priority": _rank(Issue.priority, PRIORITIES), "status": _rank(Issue.status, STATUSES),
              "issue_number": Issue.issue_number, "title": Issue.title},
    default_sort="-created_at", id=Issue.id, ids_descending=True,
    filters={
        "vendor_id": equal_to(Issue.vendor_id, description="about this vendor"),
        "order_id": equal_to(Issue.order_id, description="about this order"),
        "priority": any_of(Issue.priority, PRIORITIES),
        "category": any_of(Issue.category, CATEGORIES),
        "status": any_of(Issue.status, STATUSES),
        "assigned_to_id": equal_to(Issue.assigned_to_id, description="assigned to this user"),
    },
    search=(Issue.issue_number, Issue.title, Issue.description),
)

EXPORT = ExportSpec(
    resource="issues", model=Issue, permission="crm:read",
    description="CRM issues with vendors: number, priority, category, status and resolution",
    columns=[("id", Issue.id), ("issue_number", Issue.issue_number), ("title", Issue.title),
             ("description", Issue.description), ("priority", Issue.priority), ("category", Issue.category),
             ("status", Issue.status), ("vendor_id", Issue.vendor_id), ("vendor_name", Vendor.name),
             ("order_id", Issue.order_id), ("assigned_to_id", Issue.assigned_to_id),
             ("assigned_to_name", User.name), ("created_by_id", Issue.created_by_id),
             ("resolved_by_id", Issue.resolved_by_id), ("resolved_at", Issue.resolved_at),
             ("resolution_notes", Issue.resolution_notes), ("created_at", Issue.created_at),
             ("updated_at", Issue.updated_at)],
    joins=[(Vendor, Vendor.id == Issue.vendor_id), (User, User.id == Issue.assigned_to_id)],
    listing=ISSUES,
)

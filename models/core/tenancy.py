"""Tenancy and soft delete by construction.

Every ORM SELECT/UPDATE/DELETE issued while an organization is bound (see
models.core.context) is narrowed to that organization's rows, and soft-deleted rows
are hidden, by global loader criteria. A view or task cannot forget the filter.
Escape hatches are explicit execution options: `all_tenants=True`,
`include_deleted=True`.
"""
from datetime import datetime
from functools import lru_cache

from sqlalchemy import DateTime, ForeignKey, event, select
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, with_loader_criteria

from models.core import context
from models.core.db import db, utcnow
from models.core.errors import NotFound


class TenantScoped:
    @declared_attr
    def organization_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True, nullable=False)


class SoftDeletable:
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    def soft_delete(self) -> None:
        self.deleted_at = utcnow()


# The criteria are built once and reused: building them per statement (lambda analysis)
# cost more than the rest of a small query's ORM overhead.
_NOT_DELETED = with_loader_criteria(SoftDeletable, lambda cls: cls.deleted_at.is_(None), include_aliases=True)


@lru_cache(maxsize=4096)
def _of_organization(org_id: int):
    return with_loader_criteria(TenantScoped, lambda cls: cls.organization_id == org_id, include_aliases=True)


@event.listens_for(Session, "do_orm_execute")
def _scope_statement(state):
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return  # criteria from the parent statement already propagate
    options = state.execution_options
    org_id = context.current().organization_id
    if org_id is not None and not options.get("all_tenants", False):
        state.statement = state.statement.options(_of_organization(org_id))
    if not options.get("include_deleted", False):
        state.statement = state.statement.options(_NOT_DELETED)


@event.listens_for(Session, "before_flush")
def _stamp_organization(session, flush_context, instances):
    org_id = context.current().organization_id
    for obj in session.new:
        if isinstance(obj, TenantScoped) and obj.organization_id is None and org_id is not None:
            obj.organization_id = org_id


def get_or_404(model, ident, what: str | None = None):
    """Load one row of the current organization by id, or raise NotFound.

    Always a SQL query (never the identity map) so the tenancy criteria apply."""
    obj = db.session.scalars(select(model).where(model.id == ident)).one_or_none()
    if obj is None:
        raise NotFound(f"{what or model.__name__} {ident} not found")
    return obj

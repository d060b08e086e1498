"""Tenancy and soft delete by construction (docs/architecture.md, "Actor and tenancy").

Every ORM SELECT/UPDATE/DELETE issued while an organization is bound (see
models.core.context) is narrowed to that organization's rows, and soft-deleted rows
are hidden, by global loader criteria. A view or task cannot forget the filter.

Fail-closed: such a statement touching a tenant table with no organization bound
raises `TenantNotBound` instead of reading every organization's rows. The escape
hatches are explicit execution options: `all_tenants=True`, `include_deleted=True`.
Core statements on a connection (`connection.execute(...)`) bypass the ORM and this
hook: each such use states its own filters.
"""
from datetime import datetime
from functools import lru_cache

from sqlalchemy import DateTime, ForeignKey, TableClause, event, select, text
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column, with_loader_criteria
from sqlalchemy.sql import visitors

from models.core import context
from models.core.db import db, utcnow
from models.core.errors import NotFound, ValidationFailed


class TenantNotBound(RuntimeError):
    """A programming error, never a client's: a query on a tenant table ran with no
    organization bound. Bind one (`context.acting_as(organization_id=...)`) or, to
    cross tenants on purpose, pass `execution_options(all_tenants=True)`."""


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
def live_index(name: str, *columns: str):
    """An index of the live rows only (deleted_at IS NULL): what lists and their counts read."""
    live = text("deleted_at IS NULL")
    return db.Index(name, *columns, postgresql_where=live, sqlite_where=live)


@lru_cache(maxsize=1024)  # per organization, for the same reason (the organization id is its bound parameter)
def _of_organization(org_id: int):
    return with_loader_criteria(TenantScoped, lambda cls: cls.organization_id == org_id, include_aliases=True)


def _tenant_tables() -> frozenset:
    mappers = db.Model.registry.mappers
    return _tenant_tables_among(len(mappers), mappers)


@lru_cache(maxsize=8)
def _tenant_tables_among(count: int, mappers) -> frozenset:
    """Names of the tables of the TenantScoped models mapped so far (`count` keys the cache,
    so a model imported late is never missed)."""
    return frozenset(m.local_table.name for m in mappers if issubclass(m.class_, TenantScoped))


def tenant_tables_of(statement) -> set:
    """The tenant tables a statement reads or writes, subqueries and joins included."""
    tables = _tenant_tables()
    return {element.name for element in visitors.iterate(statement)
            if isinstance(element, TableClause) and element.name in tables}


def prebuilt(statement):
    """Mark a statement built once and executed many times with its values as parameters
    (`session.execute(statement, {...})`): its scoped copy is then built once per organization
    too, and SQLAlchemy's cache key of that copy computed once, rather than on every execution."""
    return statement.execution_options(prebuilt=True)


@event.listens_for(Session, "do_orm_execute")
def _scope_statement(state):
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return  # criteria from the parent statement already propagate
    options = state.execution_options
    org_id = None
    if not options.get("all_tenants", False):
        org_id = context.current().organization_id
        if org_id is None:
            touched = tenant_tables_of(state.statement)
            if touched:
                raise TenantNotBound(f"A query on {', '.join(sorted(touched))} ran with no organization bound")
    scope = _scoped_prebuilt if options.get("prebuilt", False) else _scoped
    state.statement = scope(state.statement, org_id, not options.get("include_deleted", False))


def _scoped(statement, org_id: int | None, live_only: bool):
    """`statement` narrowed to the organization's rows (if `org_id`) and to live ones (if `live_only`)."""
    criteria = ([_of_organization(org_id)] if org_id is not None else []) + ([_NOT_DELETED] if live_only else [])
    return statement.options(*criteria) if criteria else statement


_scoped_prebuilt = lru_cache(maxsize=4096)(_scoped)


@event.listens_for(Session, "before_flush")
def _stamp_organization(session, flush_context, instances):
    org_id = context.current().organization_id
    for obj in session.new:
        if isinstance(obj, TenantScoped) and obj.organization_id is None:
            if org_id is None:
                raise TenantNotBound(f"A new {type(obj).__name__} has no organization, and none is bound")
            obj.organization_id = org_id


def get_or_404(model, ident, what: str | None = None, *, options=()):
    """Load one row of the current organization by id (with loader `options`), or raise NotFound.

    Always a SQL query (never the identity map) so the tenancy criteria apply."""
    obj = db.session.scalars(select(model).options(*options).where(model.id == ident)).one_or_none()
    if obj is None:
        raise NotFound(f"{what or model.__name__} {ident} not found")
    return obj


def linked_or_422(model, ident: int | None, field: str, what: str):
    """The row of the current organization that `ident` names in a body or a filter's `field`,
    or ValidationFailed naming the field as the client spells it (`assigned_to` for
    `assigned_to_id`): where a path's id would be 404 (docs/api.md#errors). None passes."""
    if ident is None:
        return None
    row = db.session.scalars(select(model).where(model.id == ident)).one_or_none()
    if row is None:
        raise ValidationFailed(f"No such {what} in the organization",
                               **{field.removesuffix("_id"): [f"must be a {what} of the organization"]})
    return row


def check_links(values: dict, links: dict) -> None:
    """The ids in `values` (a body's fields or a list's filters) that `links` declares
    ({field: (model, what)}) name rows of the organization."""
    for name, (model, what) in links.items():
        linked_or_422(model, values.get(name), name, what)

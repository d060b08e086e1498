"""Audit log: one row per written entity per flush, with the before/after of
the fields that changed, the actor, request id and IP from models.core.context.

Models opt in by inheriting `Audited`; `__audit_exclude__` names fields never
copied into the log (secrets). Each row names its entity with a lowercase snake_case
`entity_type`: the model's `__audit_entity_type__`, derived from its class name
(JobNote: `job_note`) unless the model declares another. Entries the listener does
not write (a restore's) declare their type with `declare_entity_type`; `entity_types()`
lists them all for the API (docs/api.md#audit-log)."""
import re
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from sqlalchemy import JSON, DateTime, ForeignKey, String, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.core import context
from models.core.db import db, utcnow
from models.core.listing import ListSpec, any_of, equal_to, on_or_after, on_or_before
from models.core.tenancy import TenantScoped

SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_ENTITY_TYPES: set[str] = set()


def snake_case(name: str) -> str:
    """`JobNote` -> `job_note`, `HTTPSender` -> `http_sender`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def declare_entity_type(name: str) -> str:
    if not SNAKE_CASE.match(name):
        raise ValueError(f"An audit entity type is lowercase snake_case, not {name!r}")
    _ENTITY_TYPES.add(name)
    return name


def entity_types() -> list[str]:
    """Every entity type the audit log may hold, sorted (complete once the models are imported)."""
    return sorted(_ENTITY_TYPES)


class Audited:
    __audit_exclude__: frozenset[str] = frozenset()
    __audit_is_tenant__: bool = False
    __audit_entity_type__: ClassVar[str]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__audit_entity_type__" not in cls.__dict__:
            cls.__audit_entity_type__ = snake_case(cls.__name__)
        declare_entity_type(cls.__audit_entity_type__)


class AuditLogEntry(TenantScoped, db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    entity_type: Mapped[str] = mapped_column(String(60), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(64), nullable=False)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    __table_args__ = (
        db.Index("ix_audit_log_org_entity", "organization_id", "entity_type", "entity_id"),
        db.Index("ix_audit_log_org_created", "organization_id", "created_at"),
    )


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# Bookkeeping that changes on every write and says nothing about it.
ALWAYS_EXCLUDED = frozenset({"updated_at"})


def _columns(obj):
    mapper = inspect(obj).mapper
    skipped = ALWAYS_EXCLUDED | type(obj).__audit_exclude__
    return [attr for attr in mapper.column_attrs if attr.key not in skipped]


def _changes(obj):
    state = inspect(obj)
    before, after = {}, {}
    for attr in _columns(obj):
        history = state.attrs[attr.key].history
        if history.has_changes():
            before[attr.key] = _plain(history.deleted[0]) if history.deleted else None
            after[attr.key] = _plain(history.added[0]) if history.added else None
    return before, after


def _snapshot(obj):
    return {attr.key: _plain(getattr(obj, attr.key)) for attr in _columns(obj)}


def _organization_of(obj):
    """The tenant row (`__audit_is_tenant__`) audits itself; every other row its organization."""
    return obj.id if type(obj).__audit_is_tenant__ else getattr(obj, "organization_id", None)


@event.listens_for(Session, "after_flush")
def _write_audit_rows(session, flush_context):
    actor = context.current()
    rows = []

    def add(obj, action, before, after):
        org_id = _organization_of(obj)
        if org_id is None:
            return
        rows.append(
            dict(
                organization_id=org_id, actor_id=actor.user_id, action=action,
                entity_type=type(obj).__audit_entity_type__, entity_id=str(obj.id), before=before, after=after,
                request_id=actor.request_id, ip=actor.ip, created_at=utcnow(),
            )
        )

    for obj in session.new:
        if isinstance(obj, Audited):
            add(obj, "create", None, _snapshot(obj))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if not after:
                continue
            soft_deleted = "deleted_at" in after and before.get("deleted_at") is None and after["deleted_at"]
            add(obj, "delete" if soft_deleted else "update", before, after)
    for obj in session.deleted:
        if isinstance(obj, Audited):
            add(obj, "delete", _snapshot(obj), None)
    if rows:
        session.connection().execute(AuditLogEntry.__table__.insert(), rows)


# How the audit log is listed.
AUDIT_ACTIONS = ("create", "update", "delete", "restore")

AUDIT_LOG = ListSpec(
    sortable={"created_at": AuditLogEntry.created_at}, default_sort="-created_at",
    id=AuditLogEntry.id, ids_descending=True,
    filters={
        "actor_id": equal_to(AuditLogEntry.actor_id, description="written by this user"),
        "action": any_of(AuditLogEntry.action, AUDIT_ACTIONS),
        "entity_type": equal_to(AuditLogEntry.entity_type, str),
        "entity_id": equal_to(AuditLogEntry.entity_id, str),
        "date_from": on_or_after(AuditLogEntry.created_at, "at or after this moment", type=datetime),
        "date_to": on_or_before(AuditLogEntry.created_at, "at or before this moment", type=datetime),
    },
    search=(AuditLogEntry.entity_type, AuditLogEntry.entity_id, AuditLogEntry.action, AuditLogEntry.request_id),
)

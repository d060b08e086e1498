from dataclasses import dataclass

from sqlalchemy import JSON, Boolean, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from models.core import events
from models.core.audit import Audited
from models.core.db import Timestamped, db
from models.core.errors import Conflict, PermissionDenied, ValidationFailed
from models.core.permissions import unknown
from models.core.tenancy import TenantScoped
from models.identity.permissions import BUILTIN_ROLES, beyond, builtin_permissions

ROLE_NAME_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"


@dataclass(frozen=True)
class PermissionsChanged(events.DomainEvent):
    """What some users may read has changed: one user's role (`user_id`), or the
    permissions of a role (`role`, every user holding it). Their open apps must
    pick up the new rights (sockets relays this; see docs/events.md)."""

    organization_id: int
    reason: str
    user_id: int | None = None
    role: str | None = None


class Role(Audited, TenantScoped, Timestamped, db.Model):
    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), nullable=False)
    description: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    permissions: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    is_builtin: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    def update(self, description: str | None = None, permissions: list[str] | None = None, *,
               acting_role: str, acting_permissions) -> None:
        """Change the description or permissions. The actor may add only permissions
        they may grant (see `permissions.beyond`); the owner role is fixed."""
        if self.name == "owner":
            raise PermissionDenied("The owner role cannot be changed")
        if description is not None:
            self.description = description
        if permissions is not None:
            wanted = checked_permissions(permissions)
            refuse_beyond(set(wanted) - set(self.permissions), acting_role, acting_permissions)
            if wanted != sorted(set(self.permissions)):
                events.record(PermissionsChanged(self.organization_id, "role_permissions_changed", role=self.name))
            self.permissions = wanted


def refuse_beyond(permissions, acting_role: str, acting_permissions) -> None:
    excess = beyond(permissions, acting_role=acting_role, acting_permissions=acting_permissions)
    if excess:
        raise PermissionDenied("You can only grant permissions you hold yourself; `*` is the owner's alone",
                               required=excess)


def checked_permissions(permissions: list[str]) -> list[str]:
    bad = unknown(permissions)
    if bad:
        raise ValidationFailed("Unknown permissions", permissions=[f"unknown permission: {p}" for p in bad])
    return sorted(set(permissions))


def create_role(name: str, description: str, permissions: list[str], *, acting_role: str,
                acting_permissions) -> Role:
    """A custom role, granting only what the actor may grant."""
    wanted = checked_permissions(permissions)
    refuse_beyond(wanted, acting_role, acting_permissions)
    if db.session.scalar(select(Role.id).where(Role.name == name)) is not None:
        raise Conflict(f"A role named {name!r} already exists", name=["already exists"])
    role = Role(name=name, description=description, permissions=wanted)
    db.session.add(role)
    db.session.flush()  # its id, for the caller's answer (the boundary commits)
    return role


def builtin_roles(organization) -> list[Role]:
    return [
        Role(organization_id=organization.id, name=name, description=description,
             permissions=builtin_permissions(name), is_builtin=True)
        for name, (description, _) in BUILTIN_ROLES.items()
    ]


def role_names() -> set[str]:
    return set(db.session.scalars(select(Role.name)).all())


def permissions_of(role: str) -> list[str]:
    return db.session.scalar(select(Role.permissions).where(Role.name == role)) or []

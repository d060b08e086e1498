from sqlalchemy import JSON, Boolean, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from models.audit import Audited
from models.db import Timestamped, db
from models.errors import Conflict, PermissionDenied, ValidationFailed
from models.identity.permissions import BUILTIN_ROLES, unknown
from models.tenancy import TenantScoped

ROLE_NAME_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"


class Role(Audited, TenantScoped, Timestamped, db.Model):
    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), nullable=False)
    description: Mapped[str] = mapped_column(String(300), default="", nullable=False)
    permissions: Mapped[list] = mapped_column(JSON, default=list, nullable=False)
    is_builtin: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)

    def update(self, description: str | None = None, permissions: list[str] | None = None) -> None:
        if self.name == "owner":
            raise PermissionDenied("The owner role cannot be changed")
        if description is not None:
            self.description = description
        if permissions is not None:
            self.permissions = checked_permissions(permissions)


def checked_permissions(permissions: list[str]) -> list[str]:
    bad = unknown(permissions)
    if bad:
        raise ValidationFailed("Unknown permissions", permissions=[f"unknown permission: {p}" for p in bad])
    return sorted(set(permissions))


def create_role(name: str, description: str, permissions: list[str]) -> Role:
    if db.session.scalar(select(Role.id).where(Role.name == name)) is not None:
        raise Conflict(f"A role named {name!r} already exists", name=["already exists"])
    role = Role(name=name, description=description, permissions=checked_permissions(permissions))
    db.session.add(role)
    return role


def builtin_roles(organization) -> list[Role]:
    return [
        Role(organization_id=organization.id, name=name, description=description, permissions=perms, is_builtin=True)
        for name, (description, perms) in BUILTIN_ROLES.items()
    ]


def role_names() -> set[str]:
    return set(db.session.scalars(select(Role.name)).all())

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String, select, text
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from models.core import settings
from models.core.audit import Audited
from models.core.db import Timestamped, db, utcnow
from models.core.errors import Conflict, PermissionDenied, ValidationFailed
from models.core.listing import ListSpec, any_of, equal_to
from models.core.tenancy import SoftDeletable, TenantScoped
from models.identity.role import permissions_of, refuse_beyond, role_names

MIN_PASSWORD_LENGTH = 8


class User(Audited, TenantScoped, SoftDeletable, Timestamped, db.Model):
    __tablename__ = "users"
    __audit_exclude__ = frozenset({"password_hash"})
    __table_args__ = (
        # Unique among live users only, so a deleted user's address can be reused.
        Index(
            "uq_users_email_live", "email", unique=True,
            postgresql_where=text("deleted_at IS NULL"), sqlite_where=text("deleted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    phone: Mapped[str | None] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(40), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Whom a customer-role or vendor-role user acts for (see LINKS). vendors.user_id points
    # back at users, so this key is added after both tables exist (use_alter).
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(
        ForeignKey("vendors.id", ondelete="SET NULL", use_alter=True, name="fk_users_vendor_id_vendors"), index=True)

    def set_password(self, password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ValidationFailed(
                "Password too short", password=[f"must be at least {MIN_PASSWORD_LENGTH} characters"]
            )
        method = settings.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def touch_login(self) -> None:
        self.last_login_at = utcnow()


# A user's links: the field, and the role whose users alone may hold it.
LINKS = {"customer_id": "customer", "vendor_id": "vendor"}
# How to tell that a linked row exists in the current organization, registered by the domain
# that owns its table (models.dispatch for customers, models.vendors for vendors), as identity
# imports none of them.
_link_targets: dict = {}


def register_link_target(field: str, exists) -> None:
    """`exists(ident) -> bool`, run in the organization's tenant context."""
    _link_targets[field] = exists


def check_links(role: str, links: dict) -> None:
    """422 for a link given to a user of another role, or to a row not of the organization."""
    problems = {}
    for field, value in links.items():
        if value is None:
            continue
        if LINKS[field] != role:
            problems[field] = [f"only a user of the {LINKS[field]} role has one"]
        elif field in _link_targets and not _link_targets[field](value):
            problems[field] = [f"no {LINKS[field]} {value} in this organization"]
    if problems:
        raise ValidationFailed("Invalid links", **problems)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def email_taken(email: str) -> bool:
    stmt = select(User.id).where(User.email == normalize_email(email)).execution_options(all_tenants=True)
    return db.session.scalar(stmt) is not None


def check_role(role: str) -> None:
    if role not in role_names():
        raise ValidationFailed("Unknown role", role=[f"no role named {role!r} in this organization"])


def check_grantable(role: str, acting_role: str | None, acting_permissions) -> None:
    """A user's role hands them its permissions: the actor may give a role only if
    they may grant every permission of it (see permissions.beyond). `acting_permissions`
    None is a caller with no acting user to compare (seeding, the CLI)."""
    if acting_permissions is not None:
        refuse_beyond(permissions_of(role), acting_role, acting_permissions)


def create_user(*, email, name, password, role, phone=None, acting_role: str | None = None,
                acting_permissions=None, customer_id=None, vendor_id=None) -> User:
    """Add a user to the current organization. Only an owner may create owners."""
    if email_taken(email):
        raise Conflict("A user with this email already exists", email=["already registered"])
    check_role(role)
    if role == "owner" and acting_role != "owner":
        raise PermissionDenied("Only an owner can create another owner")
    check_grantable(role, acting_role, acting_permissions)
    check_links(role, {"customer_id": customer_id, "vendor_id": vendor_id})
    user = User(email=normalize_email(email), name=name, phone=phone, role=role, customer_id=customer_id,
                vendor_id=vendor_id)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()  # its id, for the caller's answer (the boundary commits)
    return user


# How users are listed and exported.
USERS = ListSpec(
    sortable={"name": User.name, "email": User.email, "role": User.role, "created_at": User.created_at,
              "last_login_at": User.last_login_at},
    default_sort="name", id=User.id,
    filters={
        "role": any_of(User.role, description="any of these role names"),
        "is_active": equal_to(User.is_active, bool),
    },
    search=(User.name, User.email),
)

"""Vendors: the businesses that offer services on the marketplace. CRM's issues, orders and
payments point at them too, so they live in a domain of their own (docs/architecture.md)."""
from decimal import Decimal

from sqlalchemy import ForeignKey, Integer, Numeric, String, select
from sqlalchemy.orm import Mapped, mapped_column

from models.core.audit import Audited
from models.core.db import Timestamped, db
from models.core.errors import ValidationFailed
from models.core.listing import ListSpec, any_of
from models.core.tenancy import SoftDeletable, TenantScoped
from models.identity.user import User, register_link_target

STATUSES = ("active", "suspended")
FIELDS = ("name", "email", "phone", "status", "user_id")


class Vendor(Audited, TenantScoped, SoftDeletable, Timestamped, db.Model):
    __tablename__ = "vendors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="active", nullable=False)
    # Read-only here: the marketplace's reviews maintain them (the mean of the published
    # reviews, 1 decimal, null without any; and their count).
    rating: Mapped[Decimal | None] = mapped_column(Numeric(2, 1))
    reviews_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    # The vendor's login: a user of the organization with the vendor role.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    __table_args__ = (db.Index("ix_vendors_org_name", "organization_id", "name"),
                      db.Index("ix_vendors_org_status", "organization_id", "status"))


def _check_user(user_id: int | None) -> None:
    """A vendor's login is a vendor-role user of the organization (422 otherwise)."""
    if user_id is None:
        return
    role = db.session.scalar(select(User.role).where(User.id == user_id))
    if role is None:
        raise ValidationFailed("Unknown user", user_id=[f"no user {user_id} in this organization"])
    if role != "vendor":
        raise ValidationFailed("Not a vendor's login", user_id=[f"user {user_id} has the {role} role, not vendor"])


def create_vendor(fields: dict) -> Vendor:
    _check_user(fields.get("user_id"))
    vendor = Vendor(**{k: v for k, v in fields.items() if k in FIELDS})
    db.session.add(vendor)
    db.session.flush()  # its id, for the caller's answer (the boundary commits)
    return vendor


def update_vendor(vendor: Vendor, changes: dict) -> Vendor:
    """Edit a vendor; suspending is a change of `status`."""
    if "user_id" in changes and changes["user_id"] != vendor.user_id:
        _check_user(changes["user_id"])
    for name in FIELDS:
        if name in changes:
            setattr(vendor, name, changes[name])
    return vendor


def delete_vendor(vendor: Vendor) -> None:
    """Soft delete; the users who acted for it act for no vendor any more."""
    for user in db.session.scalars(select(User).where(User.vendor_id == vendor.id)):
        user.vendor_id = None
    vendor.soft_delete()


def roster():
    """The vendors; narrowed and ordered by VENDORS."""
    return select(Vendor)


def _is_vendor(vendor_id: int) -> bool:
    return db.session.scalar(select(Vendor.id).where(Vendor.id == vendor_id)) is not None


register_link_target("vendor_id", _is_vendor)  # a vendor-role user acts for one of these


# How vendors are listed and exported.
VENDORS = ListSpec(
    sortable={"name": Vendor.name, "created_at": Vendor.created_at, "rating": Vendor.rating},
    default_sort="name", id=Vendor.id,
    filters={"status": any_of(Vendor.status, STATUSES)},
    search=(Vendor.name, Vendor.email),
)

"""A service a vendor offers on the marketplace: what consumers book, at its price
(docs/api.md#marketplace)."""
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core.audit import Audited
from models.core.db import Timestamped, db
from models.core.errors import ValidationFailed
from models.core.listing import ListSpec, any_of, equal_to
from models.core.money import Money
from models.core.tenancy import SoftDeletable, TenantScoped, live_index
from models.identity.organization import Organization
from models.vendors.vendor import Vendor


class Service(Audited, TenantScoped, SoftDeletable, Timestamped, db.Model):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), index=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    category: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    price: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)  # the organization's when created
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60, nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)

    vendor = relationship(Vendor, lazy="joined")

    __table_args__ = (live_index("ix_services_org_name", "organization_id", "name", "id"),)


FIELDS = ("vendor_id", "name", "category", "description", "price", "duration_minutes", "is_active")


def create_service(fields: dict) -> Service:
    """A vendor's new service, priced in the organization's currency (`settings.currency`, default USD)."""
    vendor = db.session.get(Vendor, fields["vendor_id"])
    if vendor is None:
        raise ValidationFailed("Unknown vendor", vendor_id=[f"no vendor {fields['vendor_id']} in this organization"])
    organization = db.session.get(Organization, vendor.organization_id)
    service = Service(**{k: v for k, v in fields.items() if k in FIELDS},
                      currency=(organization.settings or {}).get("currency", "USD"))
    db.session.add(service)
    db.session.flush()
    return service


def update_service(service: Service, changes: dict) -> Service:
    """Edit a service; its vendor stays. Bookings made keep the price they were made at."""
    for name in FIELDS:
        if name in changes and name != "vendor_id":
            setattr(service, name, changes[name])
    db.session.flush()
    return service


def catalogue():
    """What a consumer may book: active services of active vendors."""
    return (select(Service).join(Vendor, Vendor.id == Service.vendor_id)
            .where(Service.is_active.is_(True), Vendor.status == "active"))


SERVICES = ListSpec(
    sortable={"name": Service.name, "price": Service.price, "created_at": Service.created_at},
    default_sort="name", id=Service.id,
    filters={"vendor_id": equal_to(Service.vendor_id, description="offered by this vendor"),
             "category": any_of(Service.category),
             "is_active": equal_to(Service.is_active, bool, description="offered now (true) or not")},
    search=(Service.name, Service.category),
)

"""A service a vendor offers on the marketplace: what consumers book, at its price
(docs/api.md#marketplace)."""
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core.audit import Audited
from models.core.db import Timestamped, db
from models.core.money import Money
from models.core.tenancy import SoftDeletable, TenantScoped, live_index
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

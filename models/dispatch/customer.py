from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from models.core.audit import Audited
from models.core.db import Timestamped, db
from models.core.listing import ListSpec, equal_to, on_or_after, on_or_before
from models.core.tenancy import SoftDeletable, TenantScoped
from models.identity.user import register_link_target


class Customer(Audited, TenantScoped, SoftDeletable, Timestamped, db.Model):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    contact_person: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(120))

    __table_args__ = (db.Index("ix_customers_org_name", "organization_id", "name"),)


def _is_customer(customer_id: int) -> bool:
    return db.session.scalar(select(Customer.id).where(Customer.id == customer_id)) is not None


register_link_target("customer_id", _is_customer)  # a customer-role user acts for one of these


# How customers are listed and exported.
CUSTOMERS = ListSpec(
    sortable={"name": Customer.name, "city": Customer.city, "created_at": Customer.created_at},
    default_sort="name", id=Customer.id,
    filters={
        "city": equal_to(Customer.city, str),
        "created_from": on_or_after(Customer.created_at, "created on or after (UTC day)"),
        "created_to": on_or_before(Customer.created_at, "created on or before (UTC day)"),
    },
    search=(Customer.name, Customer.contact_person, Customer.email, Customer.phone, Customer.address),
)

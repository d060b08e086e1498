"""An order and its line items, one aggregate: the lines' totals and the order's are computed here,
stored and read-only; `complete` and `cancel` move it (docs/api.md#crm)."""
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core import context
from models.core.audit import Audited
from models.core.db import Timestamped, db, relinked
from models.core.errors import InvalidTransition, ValidationFailed
from models.core.exports import ExportSpec
from models.core.fields import checked
from models.core.listing import ListSpec, any_of, equal_to, on_or_after, on_or_before
from models.core.local_time import local_date
from models.core.money import MAXIMUM, ZERO, Money, round_half_up
from models.core.numbering import next_number_for
from models.core.tenancy import SoftDeletable, TenantScoped, live_index
from models.crm import refs
from models.dispatch.customer import Customer
from models.identity.organization import Organization
from models.identity.user import User
from models.vendors.vendor import Vendor

TYPES = ("purchase", "service", "rental", "other")
STATUSES = ("draft", "pending", "confirmed", "in_progress", "completed", "cancelled")
CLOSED = ("completed", "cancelled")  # no action moves an order out of these
EDITABLE = ("title", "description", "order_type", "vendor_id", "customer_id", "order_date", "delivery_date",
            "status", "assigned_to_id", "items")
ITEM_FIELDS = ("item_name", "description", "sku", "quantity", "unit_price")
# The rows an order points at, by field: of the organization, in a body or a list filter (422 otherwise).
ORDER_LINKS = {"vendor_id": (Vendor, "vendor"), "customer_id": (Customer, "customer"),
               "assigned_to_id": (User, "user")}


class OrderItem(Audited, TenantScoped, db.Model):
    """A line: `total_price` is quantity × unit price, to the cent (half-up)."""
    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True, nullable=False)
    item_name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    sku: Mapped[str | None] = mapped_column(String(64))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 3), nullable=False)
    unit_price: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    total_price: Mapped[Decimal] = mapped_column(Money(), nullable=False)


class Order(Audited, TenantScoped, SoftDeletable, Timestamped, db.Model):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_number: Mapped[str] = mapped_column(String(20), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    order_type: Mapped[str] = mapped_column(String(20), default="other", nullable=False)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id", ondelete="SET NULL"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    total_amount: Mapped[Decimal] = mapped_column(Money(), default=ZERO, nullable=False)
    items_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)  # the organization's, when created
    order_date: Mapped[date] = mapped_column(Date, nullable=False)
    delivery_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft", nullable=False)
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    vendor = relationship(Vendor, lazy="joined")
    customer = relationship(Customer, lazy="joined")
    assigned_to = relationship(User, foreign_keys=[assigned_to_id], lazy="joined")
    created_by = relationship(User, foreign_keys=[created_by_id], lazy="joined")
    # Loaded when a detail asks (a list never does): replaced as a whole, the old lines deleted.
    items = relationship(OrderItem, lazy="select", order_by=OrderItem.id, cascade="all, delete-orphan")

    __table_args__ = (live_index("ix_orders_org_created", "organization_id", "created_at", "id"),
                      db.Index("ix_orders_org_number", "organization_id", "order_number", unique=True),
                      db.Index("ix_orders_org_status", "organization_id", "status"))

    @property
    def name(self) -> str:
        """What a detail shows of it (`order: {id, name}`)."""
        return self.order_number


def _lines(items: list[dict]) -> list[OrderItem]:
    """The new lines, each totalled; 422 naming `items.<n>.<field>` when a total passes what money holds."""
    lines = []
    for n, item in enumerate(items):
        checked(item, ITEM_FIELDS, prefix=f"items.{n}.")
        if not item.get("quantity") or item["quantity"] <= 0:
            raise ValidationFailed("A quantity is more than 0", **{f"items.{n}.quantity": ["must be more than 0"]})
        if item.get("unit_price") is None or item["unit_price"] < 0:
            raise ValidationFailed("A unit price is 0 or more", **{f"items.{n}.unit_price": ["must be 0 or more"]})
        total = round_half_up(Decimal(item["quantity"]) * item["unit_price"])
        if total > MAXIMUM:
            raise ValidationFailed("A line's total is too large",
                                   **{f"items.{n}.total_price": [f"quantity × unit_price must be at most {MAXIMUM}"]})
        lines.append(OrderItem(**item, total_price=total))
    if sum((line.total_price for line in lines), ZERO) > MAXIMUM:
        raise ValidationFailed("The order's total is too large", total_amount=[f"must be at most {MAXIMUM}"])
    return lines


def _checked(fields: dict) -> dict:
    return checked(fields, EDITABLE, choices={"order_type": TYPES, "status": STATUSES}, links=ORDER_LINKS)


def _apply(order: Order, fields: dict, organization: Organization) -> Order:
    fields = dict(fields)
    if "items" in fields:
        lines = _lines(fields.pop("items") or [])  # checked before anything changes
        order.items = lines
        order.items_count = len(lines)
        order.total_amount = sum((line.total_price for line in lines), ZERO)
    if "order_date" in fields and fields["order_date"] is None:
        fields["order_date"] = local_date(organization.timezone)
    for name, value in fields.items():
        setattr(order, name, value)
    return relinked(order)


def _organization() -> Organization:
    return db.session.get(Organization, context.current().organization_id)


def create_order(fields: dict, *, actor_id: int | None) -> Order:
    """Numbered ORD-YYYY-NNNN in the caller's transaction: a failed create takes no number."""
    fields, organization = _checked(fields), _organization()
    order = Order(created_by_id=actor_id, currency=refs.currency_of(organization.id), items=[])
    _apply(order, {"order_date": None, **fields, "items": fields.get("items") or []}, organization)
    order.order_number = next_number_for(organization, "ORD")
    db.session.add(order)
    db.session.flush()
    return order


def update_order(order: Order, changes: dict) -> Order:
    """PATCH's changes, or PUT's every field (a missing optional one is cleared, `items` too);
    `items` sent replaces the lines."""
    return _apply(order, _checked(changes), _organization())


def _moves(order: Order) -> list[str]:
    return [] if order.status in CLOSED else ["completed", "cancelled"]


def complete(order: Order, fields: dict, *, actor_id: int | None) -> Order:
    if order.status in CLOSED:
        raise InvalidTransition(f"A {order.status} order cannot be completed", allowed=_moves(order))
    order.status = "completed"
    return order


def cancel(order: Order, fields: dict, *, actor_id: int | None) -> Order:
    """The reason is kept (`cancellation_reason`), so the audit log has it with the actor."""
    if order.status in CLOSED:
        raise InvalidTransition(f"A {order.status} order cannot be cancelled", allowed=_moves(order))
    order.status, order.cancellation_reason = "cancelled", fields.get("reason")
    return order


ORDERS = ListSpec(
    sortable={"order_number": Order.order_number, "title": Order.title, "total_amount": Order.total_amount,
              "status": Order.status, "order_date": Order.order_date, "delivery_date": Order.delivery_date,
              "created_at": Order.created_at, "updated_at": Order.updated_at},
    default_sort="-created_at", id=Order.id, ids_descending=True,
    filters={
        "status": any_of(Order.status, STATUSES),
        "order_type": any_of(Order.order_type, TYPES),
        "vendor_id": equal_to(Order.vendor_id, description="of this vendor"),
        "customer_id": equal_to(Order.customer_id, description="of this customer"),
        "assigned_to_id": equal_to(Order.assigned_to_id, description="assigned to this user"),
        "date_from": on_or_after(Order.order_date, "ordered on or after"),
        "date_to": on_or_before(Order.order_date, "ordered on or before"),
    },
    search=(Order.order_number, Order.title, Order.description),
)

EXPORT = ExportSpec(
    resource="orders", model=Order, permission="crm:read",
    description="CRM orders, one row per line item (an order without lines: one row, its item columns empty)",
    columns=[("order_id", Order.id), ("order_number", Order.order_number), ("title", Order.title),
             ("order_type", Order.order_type), ("status", Order.status), ("vendor_id", Order.vendor_id),
             ("vendor_name", Vendor.name), ("customer_id", Order.customer_id), ("customer_name", Customer.name),
             ("order_date", Order.order_date), ("delivery_date", Order.delivery_date),
             ("total_amount", Order.total_amount), ("currency", Order.currency), ("items_count", Order.items_count),
             ("item_id", OrderItem.id), ("item_name", OrderItem.item_name), ("sku", OrderItem.sku),
             ("quantity", OrderItem.quantity), ("unit_price", OrderItem.unit_price),
             ("total_price", OrderItem.total_price), ("created_at", Order.created_at)],
    joins=[(Vendor, Vendor.id == Order.vendor_id), (Customer, Customer.id == Order.customer_id)],
    lines=(OrderItem, OrderItem.order_id == Order.id),
    listing=ORDERS,
)

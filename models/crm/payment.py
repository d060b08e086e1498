"""A payment, in or out, of an order, a vendor or a customer: `process` completes it, `mark_failed`
fails it; whichever way it becomes completed, it is stamped processed (docs/api.md#crm)."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core import context
from models.core.audit import Audited
from models.core.db import Timestamped, db, relinked, utcnow
from models.core.errors import InvalidTransition, ValidationFailed
from models.core.exports import ExportSpec
from models.core.fields import checked
from models.core.listing import ListSpec, any_of, equal_to, on_or_after, on_or_before
from models.core.money import ZERO, Money
from models.core.numbering import next_number_for
from models.core.tenancy import SoftDeletable, TenantScoped, live_index
from models.crm import refs
from models.crm.order import Order
from models.dispatch.customer import Customer
from models.identity.organization import Organization
from models.identity.user import User
from models.vendors.vendor import Vendor

TYPES = ("incoming", "outgoing", "refund")
METHODS = ("cash", "card", "bank_transfer", "cheque", "online", "other")
STATUSES = ("pending", "processing", "completed", "failed", "cancelled")
OPEN = ("pending", "processing")  # what `process` and `mark_failed` move from
EDITABLE = ("amount", "payment_date", "due_date", "payment_type", "payment_method", "status", "invoice_number",
            "reference_number", "transaction_id", "order_id", "vendor_id", "customer_id", "notes")
# The rows a payment points at, by field: of the organization, in a body or a list filter (422 otherwise).
PAYMENT_LINKS = {"order_id": (Order, "order"), "vendor_id": (Vendor, "vendor"), "customer_id": (Customer, "customer")}


class Payment(Audited, TenantScoped, SoftDeletable, Timestamped, db.Model):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_number: Mapped[str] = mapped_column(String(20), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)  # the order's, else the organization's
    payment_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    payment_type: Mapped[str] = mapped_column(String(20), default="incoming", nullable=False)
    payment_method: Mapped[str] = mapped_column(String(20), default="other", nullable=False)
    status: Mapped[str] = mapped_column(String(20), default="pending", nullable=False)
    invoice_number: Mapped[str | None] = mapped_column(String(100))
    reference_number: Mapped[str | None] = mapped_column(String(100))
    transaction_id: Mapped[str | None] = mapped_column(String(100))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id", ondelete="SET NULL"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    processed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failure_reason: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    order = relationship(Order, lazy="joined")
    vendor = relationship(Vendor, lazy="joined")
    customer = relationship(Customer, lazy="joined")
    processed_by = relationship(User, foreign_keys=[processed_by_id], lazy="joined")
    created_by = relationship(User, foreign_keys=[created_by_id], lazy="joined")

    __table_args__ = (live_index("ix_payments_org_created", "organization_id", "created_at", "id"),
                      db.Index("ix_payments_org_number", "organization_id", "payment_number", unique=True),
                      db.Index("ix_payments_org_status", "organization_id", "status"))


def _set_status(payment: Payment, status: str) -> None:
    """The one rule: becoming completed stamps who processed it and when; leaving completed clears them."""
    if status == "completed" and payment.status != "completed":
        payment.processed_at, payment.processed_by_id = utcnow(), context.current().user_id
    elif status != "completed":
        payment.processed_at = payment.processed_by_id = None
    payment.status = status


def _checked(fields: dict) -> dict:
    if "amount" in fields and (fields["amount"] is None or fields["amount"] <= 0):
        raise ValidationFailed("An amount is more than 0", amount=["must be more than 0"])
    return checked(fields, EDITABLE, choices={"payment_type": TYPES, "payment_method": METHODS, "status": STATUSES},
                   links=PAYMENT_LINKS)


def _apply(payment: Payment, fields: dict) -> Payment:
    for name, value in fields.items():
        if name == "status":
            _set_status(payment, value)
        else:
            setattr(payment, name, value)
    return relinked(payment)


def create_payment(fields: dict, *, actor_id: int | None) -> Payment:
    """Numbered PAY-YYYY-NNNN in the caller's transaction: a failed create takes no number."""
    fields = _checked(fields)
    organization = db.session.get(Organization, context.current().organization_id)
    order = db.session.get(Order, fields["order_id"]) if fields.get("order_id") else None
    payment = Payment(created_by_id=actor_id, status="pending",
                      currency=order.currency if order else refs.currency_of(organization.id))
    _apply(payment, {"status": "pending", **fields})
    payment.payment_number = next_number_for(organization, "PAY")
    db.session.add(payment)
    db.session.flush()
    return payment


def update_payment(payment: Payment, changes: dict) -> Payment:
    """PATCH's changes, or PUT's every field (a missing optional one is cleared)."""
    return _apply(payment, _checked(changes))


def _moves(payment: Payment) -> list[str]:
    return ["completed", "failed"] if payment.status in OPEN else []


def process(payment: Payment, fields: dict, *, actor_id: int | None) -> Payment:
    if payment.status not in OPEN:
        raise InvalidTransition(f"A {payment.status} payment cannot be processed", allowed=_moves(payment))
    _set_status(payment, "completed")
    return relinked(payment)


def mark_failed(payment: Payment, fields: dict, *, actor_id: int | None) -> Payment:
    if payment.status not in OPEN:
        raise InvalidTransition(f"A {payment.status} payment cannot fail", allowed=_moves(payment))
    _set_status(payment, "failed")
    payment.failure_reason = fields["reason"]
    return payment


def paid_amount_of(order: Order) -> Decimal:
    """What the order's completed incoming payments add up to (its detail's `paid_amount`)."""
    return db.session.scalar(select(func.coalesce(func.sum(Payment.amount), ZERO)).where(
        Payment.order_id == order.id, Payment.status == "completed", Payment.payment_type == "incoming")) or ZERO


PAYMENTS = ListSpec(
    sortable={"payment_number": Payment.payment_number, "amount": Payment.amount, "status": Payment.status,
              "payment_date": Payment.payment_date, "due_date": Payment.due_date,
              "created_at": Payment.created_at, "updated_at": Payment.updated_at},
    default_sort="-created_at", id=Payment.id, ids_descending=True,
    filters={
        "status": any_of(Payment.status, STATUSES),
        "payment_type": any_of(Payment.payment_type, TYPES),
        "payment_method": any_of(Payment.payment_method, METHODS),
        "order_id": equal_to(Payment.order_id, description="of this order"),
        "vendor_id": equal_to(Payment.vendor_id, description="of this vendor"),
        "customer_id": equal_to(Payment.customer_id, description="of this customer"),
        "date_from": on_or_after(Payment.payment_date, "paid on or after"),
        "date_to": on_or_before(Payment.payment_date, "paid on or before"),
    },
    search=(Payment.payment_number, Payment.invoice_number, Payment.reference_number, Payment.transaction_id),
)

EXPORT = ExportSpec(
    resource="payments", model=Payment, permission="crm:read",
    description="CRM payments: amount, type, method, status and what they pay",
    columns=[("id", Payment.id), ("payment_number", Payment.payment_number), ("amount", Payment.amount),
             ("currency", Payment.currency), ("payment_date", Payment.payment_date), ("due_date", Payment.due_date),
             ("payment_type", Payment.payment_type), ("payment_method", Payment.payment_method),
             ("status", Payment.status), ("invoice_number", Payment.invoice_number),
             ("reference_number", Payment.reference_number), ("transaction_id", Payment.transaction_id),
             ("order_id", Payment.order_id), ("order_number", Order.order_number), ("vendor_id", Payment.vendor_id),
             ("vendor_name", Vendor.name), ("customer_id", Payment.customer_id), ("customer_name", Customer.name),
             ("processed_by_id", Payment.processed_by_id), ("processed_at", Payment.processed_at),
             ("failure_reason", Payment.failure_reason), ("created_by_id", Payment.created_by_id),
             ("created_at", Payment.created_at), ("updated_at", Payment.updated_at)],
    joins=[(Order, Order.id == Payment.order_id), (Vendor, Vendor.id == Payment.vendor_id),
           (Customer, Customer.id == Payment.customer_id)],
    listing=PAYMENTS,
)

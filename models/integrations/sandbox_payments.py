"""The sandbox payment provider's own ledger: every charge and refund it was asked for, by
idempotency key (docs/operations.md#payments). It stands in for a provider's side of the wire, so
it is not an organization's data: it does not travel in backups."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.core.db import db, utcnow
from models.core.money import Money


class SandboxTransaction(db.Model):
    __tablename__ = "sandbox_transactions"
    __table_args__ = {"info": {"backup": False}}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # charge | refund
    idempotency_key: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    reference: Mapped[str] = mapped_column(String(40), nullable=False)  # ch_sbx_..., re_sbx_...
    charge_reference: Mapped[str | None] = mapped_column(String(40))  # a refund's charge
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)  # succeeded | failed | declined
    failures: Mapped[int] = mapped_column(Integer, default=0, nullable=False)  # transient failures so far
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

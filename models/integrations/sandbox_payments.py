"""The sandbox payment provider: its own ledger (every charge and refund it was asked for, by
idempotency key) and the adapter that keeps it (docs/operations.md#payments). It stands in for a
provider's side of the wire, so its rows are written in transactions of their own, whatever the
caller's transaction comes to, and they are not an organization's data: they do not travel in
backups.

Deterministic, so that `scripts/run` and tests can reach every outcome without a network:
- an amount whose cents are .13 is refused for good (a charge declined, a refund failed);
- an amount whose cents are .42 fails transiently twice (counted per idempotency key), then succeeds;
- anything else succeeds. The same idempotency key answers the same transaction again."""
import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, Integer, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.core.db import db, utcnow
from models.core.money import Money, round_half_up
from models.core.ports import PaymentPermanent, PaymentTransient, ProviderResult

DECLINED_CENTS, FLAKY_CENTS, FLAKY_FAILURES = 13, 42, 2


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
    status: Mapped[str] = mapped_column(String(20), nullable=False)  # pending | succeeded | failed | declined
    failures: Mapped[int] = mapped_column(Integer, default=0, nullable=False)  # transient failures so far
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


class SandboxPayments:
    name = "sandbox"

    def charge(self, amount, currency, method, token, idempotency_key) -> ProviderResult:
        return _transact("charge", idempotency_key, round_half_up(amount), currency, None)

    def refund(self, provider_ref, amount, idempotency_key) -> ProviderResult:
        return _transact("refund", idempotency_key, round_half_up(amount), None, provider_ref)

    def count(self, kind: str) -> int:
        """How many transactions of `kind` it made (succeeded ones): what a test counts."""
        with Session(db.engine) as session:
            return len(session.scalars(select(SandboxTransaction.id).where(
                SandboxTransaction.kind == kind, SandboxTransaction.status == "succeeded")).all())


def _cents(amount: Decimal) -> int:
    return int((amount * 100) % 100)


def _transact(kind: str, key: str, amount: Decimal, currency: str | None, charge_ref: str | None) -> ProviderResult:
    """Decide the transaction of `key`, first seen or seen again, under its row's lock, and commit
    that before answering (a provider's ledger does not roll back with its caller)."""
    with Session(db.engine, expire_on_commit=False) as session:
        row = _locked(session, key)
        if row is None:
            prefix = "ch" if kind == "charge" else "re"
            session.add(SandboxTransaction(
                kind=kind, idempotency_key=key, reference=f"{prefix}_sbx_{uuid.uuid4().hex[:20]}",
                charge_reference=charge_ref, amount=amount, currency=currency or "USD", status="pending", failures=0))
            try:
                session.commit()
            except IntegrityError:  # the same key at the same moment: that one's row is the transaction
                session.rollback()
            row = _locked(session, key)
        if row.kind != kind or row.amount != amount or (charge_ref and row.charge_reference != charge_ref):
            raise PaymentPermanent("This idempotency key was used with other parameters", code="idempotency_error")
        if row.status == "pending":
            _decide(row, amount)
        session.commit()
        if row.status == "succeeded":
            return ProviderResult(row.reference, "succeeded")
        if row.status == "pending":
            raise PaymentTransient(f"The sandbox is unavailable (attempt {row.failures} of this {kind})")
        if kind == "charge":
            raise PaymentPermanent("Your card was declined (sandbox: amounts ending in .13)", code="card_declined")
        raise PaymentPermanent("The refund was refused by the provider (sandbox: amounts ending in .13)",
                               code="refund_failed")


def _locked(session: Session, key: str) -> SandboxTransaction | None:
    return session.scalar(select(SandboxTransaction).where(SandboxTransaction.idempotency_key == key)
                          .with_for_update().execution_options(populate_existing=True))


def _decide(row: SandboxTransaction, amount: Decimal) -> None:
    cents = _cents(amount)
    if cents == DECLINED_CENTS:
        row.status = "declined" if row.kind == "charge" else "failed"
    elif cents == FLAKY_CENTS and row.failures < FLAKY_FAILURES:
        row.failures += 1  # still pending: the next attempt with this key decides again
    else:
        row.status = "succeeded"

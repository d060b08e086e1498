"""Referrals: a user's code and invites, the referred user's sign-up and first completed booking,
and the reward, a credit issued once to the referrer (docs/api.md#referrals)."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core.audit import Audited
from models.core.db import Timestamped, db, utcnow
from models.core.money import Money
from models.core.tenancy import TenantScoped
from models.identity.user import User

STATUSES = ("invited", "signed_up", "qualified", "rewarded", "expired", "cancelled")
REWARD_STATUSES = ("pending", "issued", "revoked")
INVITE_DAYS = 30


class ReferralCode(TenantScoped, db.Model):
    """A user's own code, made the first time they ask for it."""
    __tablename__ = "referral_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    code: Mapped[str] = mapped_column(String(20), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    __table_args__ = (db.Index("ix_referral_codes_user", "user_id", unique=True),
                      db.Index("ix_referral_codes_code", "code", unique=True))


class Referral(Audited, TenantScoped, Timestamped, db.Model):
    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), nullable=False)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    referred_email: Mapped[str | None] = mapped_column(String(254))
    referred_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="invited", nullable=False)
    signed_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    qualified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    qualifying_booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reward_amount: Mapped[Decimal | None] = mapped_column(Money())
    reward_currency: Mapped[str | None] = mapped_column(String(3))
    reward_status: Mapped[str | None] = mapped_column(String(10))
    reward_issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    referrer = relationship(User, foreign_keys=[referrer_id], lazy="joined")
    referred_user = relationship(User, foreign_keys=[referred_user_id], lazy="joined")

    __table_args__ = (
        db.Index("ix_referrals_org_created", "organization_id", "created_at", "id"),
        db.Index("ix_referrals_org_referrer", "organization_id", "referrer_id"),
        db.Index("ix_referrals_referred_user", "referred_user_id", unique=True),  # a user is referred once
    )


class AccountCredit(TenantScoped, db.Model):
    """Money the organization owes a user, to spend on bookings: a referral's reward, issued once."""
    __tablename__ = "account_credits"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    reason: Mapped[str] = mapped_column(String(200), nullable=False)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    __table_args__ = (db.Index("ix_account_credits_referral", "referral_id", unique=True),)  # one reward each

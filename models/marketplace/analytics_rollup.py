"""The marketplace's daily numbers per organization (the `marketplace` rollup), one row per local
day, vendor and service (docs/api.md#marketplace-analytics):

- bookings, bookings_value: bookings by the local day they were created, and their amounts;
- status_<status>: of the bookings created that day, how many are in each status now (so a
  booking's creation day is refreshed whenever it moves: models.marketplace.referral_wiring);
- payments, gross and <method>_payments, <method>_gross: succeeded payments by the day they were paid;
- refunds, refunds_count: succeeded refunds by the day they were processed.

Vendor and service are the booking's. Deleted bookings count nowhere."""
import zlib
from collections import defaultdict
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Integer, UniqueConstraint, event, func, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.analytics.rollups import DayWindow, refresh
from models.core import events
from models.core.db import db, utcnow
from models.core.local_time import local_date
from models.core.money import Money
from models.core.rollups import Rollup
from models.core.tenancy import TenantScoped
from models.identity.organization import Organization
from models.marketplace.booking import STATUSES, Booking
from models.marketplace.events import BookingUpdated
from models.marketplace.payment import METHODS, BookingPayment
from models.marketplace.refund import Refund

KEYS = ("vendor_id", "service_id")
BOOKING_MEASURES = ("bookings", "bookings_value", *(f"status_{status}" for status in STATUSES))
REVENUE_MEASURES = ("payments", "gross", *(f"{m}_payments" for m in METHODS), *(f"{m}_gross" for m in METHODS),
                    "refunds_count", "refunds")


def _count():
    return mapped_column(Integer, default=0, nullable=False)


def _amount():
    return mapped_column(Money(), default=0, nullable=False)


class MarketplaceDailyMetric(TenantScoped, db.Model):
    __tablename__ = "marketplace_daily_metrics"
    __table_args__ = (UniqueConstraint("organization_id", "day", "vendor_id", "service_id",
                                       name="uq_marketplace_daily_metrics_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Declared here, without TenantScoped's own index: the unique key serves every lookup.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), nullable=False)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), nullable=False)
    bookings: Mapped[int] = _count()
    bookings_value: Mapped[Decimal] = _amount()
    status_pending: Mapped[int] = _count()
    status_confirmed: Mapped[int] = _count()
    status_in_progress: Mapped[int] = _count()
    status_completed: Mapped[int] = _count()
    status_cancelled: Mapped[int] = _count()
    status_no_show: Mapped[int] = _count()
    payments: Mapped[int] = _count()
    gross: Mapped[Decimal] = _amount()
    card_payments: Mapped[int] = _count()
    wallet_payments: Mapped[int] = _count()
    bank_transfer_payments: Mapped[int] = _count()
    cash_payments: Mapped[int] = _count()
    card_gross: Mapped[Decimal] = _amount()
    wallet_gross: Mapped[Decimal] = _amount()
    bank_transfer_gross: Mapped[Decimal] = _amount()
    cash_gross: Mapped[Decimal] = _amount()
    refunds_count: Mapped[int] = _count()
    refunds: Mapped[Decimal] = _amount()
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


def marketplace_days(window: DayWindow) -> dict[tuple, dict]:
    """{(day, vendor_id, service_id): {measure: value}}: three grouped queries over the window."""
    rows: dict[tuple, dict] = defaultdict(dict)

    created = window.day_of(Booking.created_at)
    for day, vendor_id, service_id, status, count, value in db.session.execute(
            select(created, Booking.vendor_id, Booking.service_id, Booking.status, func.count(Booking.id),
                   func.coalesce(func.sum(Booking.amount), 0))
            .where(window.covers(Booking.created_at))
            .group_by(created, Booking.vendor_id, Booking.service_id, Booking.status)):
        row = rows[(day, vendor_id, service_id)]
        row["bookings"] = row.get("bookings", 0) + count
        row["bookings_value"] = row.get("bookings_value", 0) + value
        row[f"status_{status}"] = count

    paid = window.day_of(BookingPayment.paid_at)
    for day, vendor_id, service_id, method, count, gross in db.session.execute(
            select(paid, Booking.vendor_id, Booking.service_id, BookingPayment.method, func.count(BookingPayment.id),
                   func.coalesce(func.sum(BookingPayment.amount), 0))
            .join(Booking, Booking.id == BookingPayment.booking_id)
            .where(BookingPayment.status == "succeeded", window.covers(BookingPayment.paid_at))
            .group_by(paid, Booking.vendor_id, Booking.service_id, BookingPayment.method)):
        row = rows[(day, vendor_id, service_id)]
        row["payments"] = row.get("payments", 0) + count
        row["gross"] = row.get("gross", 0) + gross
        row[f"{method}_payments"], row[f"{method}_gross"] = count, gross

    processed = window.day_of(Refund.processed_at)
    for day, vendor_id, service_id, count, amount in db.session.execute(
            select(processed, Booking.vendor_id, Booking.service_id, func.count(Refund.id),
                   func.coalesce(func.sum(Refund.amount), 0))
            .join(Booking, Booking.id == Refund.booking_id)
            .where(Refund.status == "succeeded", window.covers(Refund.processed_at))
            .group_by(processed, Booking.vendor_id, Booking.service_id)):
        rows[(day, vendor_id, service_id)].update(refunds_count=count, refunds=amount)
    return dict(rows)


MARKETPLACE = Rollup("marketplace", MarketplaceDailyMetric, measures=(*BOOKING_MEASURES, *REVENUE_MEASURES),
                     compute=marketplace_days, keys=KEYS)


# --- a moved booking's creation day ----------------------------------------------------

_REFRESHED = "marketplace_rollup_days_refreshed"


def refresh_creation_day(evt: BookingUpdated, session) -> None:
    """The booking's creation day (its `status_*` counts just changed), refreshed in the same
    transaction, once per transaction and day. On PostgreSQL a lock per organization and day
    makes concurrent moves refresh one after the other, each counting the other's committed move."""
    booking = session.get(Booking, evt.booking_id)
    if booking is None:
        return
    organization = session.get(Organization, evt.organization_id)
    created_at = booking.created_at if booking.created_at.tzinfo else booking.created_at.replace(tzinfo=timezone.utc)
    day = local_date(organization.timezone, created_at)
    done = session.info.setdefault(_REFRESHED, set())
    if (evt.organization_id, day) in done:
        return
    done.add((evt.organization_id, day))
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"marketplace-rollup:{day.isoformat()}".encode()) - (1 << 31)  # a signed int4
        session.execute(text("SELECT pg_advisory_xact_lock(:organization, :day)"),
                        {"organization": evt.organization_id, "day": key})
    refresh(MARKETPLACE, evt.organization_id, day, day)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_refreshed(session):
    session.info.pop(_REFRESHED, None)


events.subscribe_in_transaction(BookingUpdated, refresh_creation_day)

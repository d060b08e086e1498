"""The marketplace's analytics reports, read from its rollup (models.marketplace.analytics_rollup;
docs/api.md#marketplace-analytics): bookings by creation day, revenue by payment and refund day,
one point per day, ISO week or month, zeros included.

Rates are over the bookings created in the range: completed (or cancelled) / created, 0 to 1 with
4 decimals, 0 when none were created. Averages are rounded half up to the cent, 0 when none."""
from datetime import date
from decimal import Decimal

from models.analytics import rollups
from models.core.db import db
from models.core.errors import ValidationFailed
from models.core.money import round_half_up
from models.identity.organization import Organization
from models.marketplace.analytics_rollup import MARKETPLACE
from models.marketplace.booking import STATUSES
from models.marketplace.payment import METHODS

MAX_DAILY_DAYS = 400
RATE = Decimal("0.0001")


def days_of(organization_id: int, day_from: date | None, day_to: date | None, interval: str) -> tuple[date, date]:
    """The range a request means (defaults: the last 30 days); reversed, too long, or a daily
    series over 400 days: 422."""
    day_from, day_to = rollups.resolve_range(organization_id, day_from, day_to, interval)
    if interval == "day" and (day_to - day_from).days + 1 > MAX_DAILY_DAYS:
        raise ValidationFailed("The range is too long", to=[f"at most {MAX_DAILY_DAYS} days at interval day"])
    return day_from, day_to


def _rate(part: int, whole: int) -> float:
    return float((Decimal(part) / Decimal(whole)).quantize(RATE)) if whole else 0.0


def _average(total, count: int) -> Decimal:
    return round_half_up(Decimal(total) / count) if count else Decimal("0.00")


def _header(organization: Organization, report: dict) -> dict:
    return {"day_from": report["day_from"], "day_to": report["day_to"], "interval": report["interval"],
            "timezone": organization.timezone}


def bookings(organization_id: int, day_from: date | None, day_to: date | None, interval: str,
             vendor_id: int | None = None, service_id: int | None = None) -> dict:
    day_from, day_to = days_of(organization_id, day_from, day_to, interval)
    report = rollups.series(MARKETPLACE, organization_id, day_from, day_to, interval,
                            where={"vendor_id": vendor_id, "service_id": service_id})
    totals = report["totals"]
    created = totals["bookings"]
    return {**_header(db.session.get(Organization, organization_id), report),
            "totals": {"bookings": created, "completed": totals["status_completed"],
                       "cancelled": totals["status_cancelled"], "no_show": totals["status_no_show"],
                       "completion_rate": _rate(totals["status_completed"], created),
                       "cancellation_rate": _rate(totals["status_cancelled"], created),
                       "average_value": _average(totals["bookings_value"], created)},
            "series": [{"period": point["period"], "bookings": point["bookings"], "value": point["bookings_value"],
                        "by_status": {status: point[f"status_{status}"] for status in STATUSES}}
                       for point in report["points"]]}


def _by_method(values: dict) -> dict:
    return {method: {"gross": values[f"{method}_gross"], "payments": values[f"{method}_payments"]}
            for method in METHODS}


def revenue(organization_id: int, day_from: date | None, day_to: date | None, interval: str,
            vendor_id: int | None = None) -> dict:
    day_from, day_to = days_of(organization_id, day_from, day_to, interval)
    report = rollups.series(MARKETPLACE, organization_id, day_from, day_to, interval, where={"vendor_id": vendor_id})
    organization = db.session.get(Organization, organization_id)
    totals = report["totals"]
    return {**_header(organization, report), "currency": (organization.settings or {}).get("currency", "USD"),
            "totals": {"gross": totals["gross"], "refunds": totals["refunds"],
                       "net": totals["gross"] - totals["refunds"], "payments": totals["payments"],
                       "average_payment": _average(totals["gross"], totals["payments"])},
            "by_payment_method": _by_method(totals),
            "series": [{"period": point["period"], "gross": point["gross"], "refunds": point["refunds"],
                        "net": point["gross"] - point["refunds"], "by_payment_method": _by_method(point)}
                       for point in report["points"]]}

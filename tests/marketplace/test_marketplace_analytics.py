"""Bookings and revenue analytics equal a plain aggregation of the rows, in the organization's time
zone across both daylight-saving changes of 2026, by day, week and month."""
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest

from models.analytics.calendar import period_start, periods
from models.core import context
from models.core.db import db
from models.marketplace import booking as bookings
from models.marketplace.booking import STATUSES, Booking
from models.marketplace.payment import METHODS
from tests.support.marketplace import Market
from tests.support.marketplace_referrals import pay, refresh, refund, rows_of, set_timezone, utc

TZ = "America/New_York"
NY = ZoneInfo(TZ)
BOOKINGS = "/api/v1/admin/analytics/bookings"
REVENUE = "/api/v1/admin/analytics/revenue"
FIRST, LAST = date(2026, 2, 20), date(2026, 11, 20)


def _local(*parts, fold=0) -> datetime:
    return datetime(*parts, tzinfo=NY, fold=fold)


# Around the spring change (2026-03-08, 02:00 → 03:00) and the autumn one (2026-11-01, 02:00 → 01:00).
MOMENTS = [_local(2026, 3, 7, 23, 30), _local(2026, 3, 8, 0, 30), _local(2026, 3, 8, 23, 30), _local(2026, 3, 9, 0, 15),
           _local(2026, 10, 31, 23, 30), _local(2026, 11, 1, 1, 30), _local(2026, 11, 1, 1, 30, fold=1),
           _local(2026, 11, 1, 23, 30), _local(2026, 11, 2, 0, 10)]


@pytest.fixture
def market(app, auth):
    set_timezone(app, auth.a.org_id, TZ)
    market = Market(app, auth.a)
    other = Market(app, auth.a, price="75.25")  # a second vendor, same organization
    statuses = list(STATUSES)
    for i, moment in enumerate(MOMENTS):
        for seller in (market, other):
            booking_id = seller.booking(statuses[i % len(statuses)], at=moment.astimezone(ZoneInfo("UTC")))
            payment_id = pay(app, auth.a.org_id, booking_id, at=moment + timedelta(minutes=10),
                             method=METHODS[i % len(METHODS)])
            if i % 3 == 0:
                refund(app, auth.a.org_id, payment_id, Decimal("20.05"), at=moment + timedelta(hours=1))
            if i % 4 == 0:
                refund(app, auth.a.org_id, payment_id, Decimal("5.00"), at=moment, status="failed")
    refresh(app, auth.a.org_id, FIRST, LAST)
    market.other_vendor_id = other.vendor_id
    return market


def _day(moment) -> date:
    return utc(moment).astimezone(NY).date()


def _expected_bookings(rows, interval, vendor_id=None):
    points = {p: {"bookings": 0, "value": Decimal(0), "by_status": dict.fromkeys(STATUSES, 0)}
              for p in periods(FIRST, LAST, interval)}
    for b in rows["bookings"]:
        if vendor_id and b["vendor_id"] != vendor_id:
            continue
        point = points[period_start(_day(b["created_at"]), interval)]
        point["bookings"] += 1
        point["value"] += b["amount"]
        point["by_status"][b["status"]] += 1
    return points


def _expected_revenue(rows, interval, vendor_id=None):
    points = {p: {"gross": Decimal(0), "refunds": Decimal(0),
                  "by_payment_method": {m: {"gross": Decimal(0), "payments": 0} for m in METHODS}}
              for p in periods(FIRST, LAST, interval)}
    for p in rows["payments"]:
        if vendor_id and p["vendor_id"] != vendor_id:
            continue
        point = points[period_start(_day(p["paid_at"]), interval)]
        point["gross"] += p["amount"]
        point["by_payment_method"][p["method"]]["gross"] += p["amount"]
        point["by_payment_method"][p["method"]]["payments"] += 1
    for r in rows["refunds"]:
        if vendor_id and r["vendor_id"] != vendor_id:
            continue
        points[period_start(_day(r["processed_at"]), interval)]["refunds"] += r["amount"]
    return points


def _get(client, tenant, path, role="dispatcher", **query):
    answer = client.get(path, headers=tenant.headers(role), query_string={"from": FIRST.isoformat(),
                                                                           "to": LAST.isoformat(), **query})
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["data"]


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.mark.parametrize("interval", ["day", "week", "month"])
def test_bookings_equal_the_rows_by_their_local_creation_day(app, client, auth, market, interval):
    expected = _expected_bookings(rows_of(app, auth.a.org_id), interval)
    report = _get(client, auth.a, BOOKINGS, interval=interval)
    assert (report["from"], report["to"], report["interval"], report["timezone"]) == (
        FIRST.isoformat(), LAST.isoformat(), interval, TZ)
    assert [p["period"] for p in report["series"]] == [p.isoformat() for p in expected]  # every period, zeros too
    for point in report["series"]:
        want = expected[date.fromisoformat(point["period"])]
        assert (point["bookings"], _money(point["value"]), point["by_status"]) == (
            want["bookings"], want["value"], want["by_status"]), point["period"]
    created = sum(p["bookings"] for p in expected.values())
    by_status = defaultdict(int)
    for p in expected.values():
        for status, n in p["by_status"].items():
            by_status[status] += n
    value = sum(p["value"] for p in expected.values())
    assert report["totals"] == {
        "bookings": created, "completed": by_status["completed"], "cancelled": by_status["cancelled"],
        "no_show": by_status["no_show"], "completion_rate": round(by_status["completed"] / created, 4),
        "cancellation_rate": round(by_status["cancelled"] / created, 4),
        "average_value": float((value / created).quantize(Decimal("0.01"), ROUND_HALF_UP))}


def test_the_days_around_the_changes_hold_what_happened_on_them_locally(client, auth, market):
    series = {p["period"]: p["bookings"] for p in _get(client, auth.a, BOOKINGS)["series"]}
    assert series["2026-03-07"] == 2 and series["2026-03-08"] == 4 and series["2026-03-09"] == 2
    assert series["2026-10-31"] == 2 and series["2026-11-01"] == 6 and series["2026-11-02"] == 2


@pytest.mark.parametrize("interval", ["day", "week", "month"])
def test_revenue_equals_payments_by_paid_day_and_refunds_by_processed_day(app, client, auth, market, interval):
    expected = _expected_revenue(rows_of(app, auth.a.org_id), interval)
    report = _get(client, auth.a, REVENUE, interval=interval)
    assert report["currency"] == "USD" and report["timezone"] == TZ
    assert [p["period"] for p in report["series"]] == [p.isoformat() for p in expected]
    for point in report["series"]:
        want = expected[date.fromisoformat(point["period"])]
        assert (_money(point["gross"]), _money(point["refunds"]), _money(point["net"])) == (
            want["gross"], want["refunds"], want["gross"] - want["refunds"]), point["period"]
        assert {m: (_money(v["gross"]), v["payments"]) for m, v in point["by_payment_method"].items()} == {
            m: (v["gross"], v["payments"]) for m, v in want["by_payment_method"].items()}
    gross = sum(p["gross"] for p in expected.values())
    refunds = sum(p["refunds"] for p in expected.values())
    payments = sum(v["payments"] for p in expected.values() for v in p["by_payment_method"].values())
    totals = report["totals"]
    assert (_money(totals["gross"]), _money(totals["refunds"]), _money(totals["net"]), totals["payments"]) == (
        gross, refunds, gross - refunds, payments)
    assert _money(totals["average_payment"]) == (gross / payments).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert sum(v["payments"] for v in report["by_payment_method"].values()) == payments


def test_the_vendor_and_service_filters_narrow_to_their_bookings(app, client, auth, market):
    rows = rows_of(app, auth.a.org_id)
    for vendor_id in (market.vendor_id, market.other_vendor_id):
        want = _expected_revenue(rows, "month", vendor_id)
        report = _get(client, auth.a, REVENUE, interval="month", vendor_id=vendor_id)
        assert [_money(p["gross"]) for p in report["series"]] == [p["gross"] for p in want.values()]
        bookings = _get(client, auth.a, BOOKINGS, interval="month", vendor_id=vendor_id)
        assert [p["bookings"] for p in bookings["series"]] == [
            p["bookings"] for p in _expected_bookings(rows, "month", vendor_id).values()]
    by_service = _get(client, auth.a, BOOKINGS, interval="month", service_id=market.service_id)
    assert by_service["totals"]["bookings"] == len(MOMENTS)


def test_a_move_refreshes_its_bookings_creation_day_at_once(app, client, auth, market):
    before = {p["period"]: p for p in _get(client, auth.a, BOOKINGS)["series"]}["2026-03-07"]
    pending_id = market.booking("pending", at=_local(2026, 3, 7, 12, 0).astimezone(ZoneInfo("UTC")))
    after_create = {p["period"]: p for p in _get(client, auth.a, BOOKINGS)["series"]}["2026-03-07"]
    assert after_create["bookings"] == before["bookings"] + 1
    assert after_create["by_status"]["pending"] == before["by_status"]["pending"] + 1
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        bookings.move(db.session.get(Booking, pending_id), "cancelled", actor_id=auth.a.user_ids["admin"],
                      reason="changed plans")
        db.session.commit()
    moved = {p["period"]: p for p in _get(client, auth.a, BOOKINGS)["series"]}["2026-03-07"]
    assert moved["by_status"]["pending"] == before["by_status"]["pending"]
    assert moved["by_status"]["cancelled"] == before["by_status"]["cancelled"] + 1


def test_a_reversed_or_too_long_range_is_422(client, auth):
    reversed_range = client.get(BOOKINGS, headers=auth.a.headers("dispatcher"),
                                query_string={"from": "2026-05-02", "to": "2026-05-01"})
    assert reversed_range.status_code == 422
    too_long = client.get(REVENUE, headers=auth.a.headers("dispatcher"),
                          query_string={"from": "2025-01-01", "to": "2026-02-05", "interval": "day"})
    assert too_long.status_code == 422
    weekly = client.get(REVENUE, headers=auth.a.headers("dispatcher"),
                        query_string={"from": "2025-01-01", "to": "2026-02-05", "interval": "week"})
    assert weekly.status_code == 200
    assert client.get(BOOKINGS, headers=auth.a.headers("dispatcher"),
                      query_string={"interval": "year"}).status_code == 422


def test_only_analytics_readers_of_the_organization_see_its_numbers(client, auth, market):
    for role in ("customer", "vendor", "technician"):
        assert client.get(BOOKINGS, headers=auth.a.headers(role)).status_code == 403
        assert client.get(REVENUE, headers=auth.a.headers(role)).status_code == 403
    assert _get(client, auth.a, BOOKINGS, role="support")["totals"]["bookings"] == 2 * len(MOMENTS)
    assert _get(client, auth.b, BOOKINGS, role="admin")["totals"]["bookings"] == 0
    assert _get(client, auth.b, REVENUE, role="admin")["totals"]["gross"] == 0
    foreign = client.get(REVENUE, headers=auth.b.headers("admin"), query_string={"vendor_id": market.vendor_id})
    assert foreign.status_code == 422

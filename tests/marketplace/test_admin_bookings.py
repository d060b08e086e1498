"""GET /admin/bookings and its detail as the admin app reads them: the item's shape, every filter and
sort, a page's fixed cost in statements, and who may read them."""
from datetime import datetime, timedelta, timezone

import pytest

from tests.support.marketplace import Market
from tests.support.marketplace_bookings import Counter, later
from tests.support.waiting import count_queries

ITEM = {"id", "booking_number", "status", "payment_status", "scheduled_at", "amount", "currency", "user", "vendor",
        "service", "created_at"}
DETAIL = ITEM | {"address", "city", "duration_minutes", "customer_notes", "cancellation", "payment", "refunds",
                 "notes", "history", "version", "updated_at"}


def _this_year(month, day):
    return datetime(datetime.now(timezone.utc).year, month, day, 9, tzinfo=timezone.utc)


@pytest.fixture
def market(app, auth):
    return Market(app, auth.a)


@pytest.fixture
def counter(client, auth, market):
    return Counter(client, auth.a, market)


@pytest.fixture
def three(auth, market, counter):
    """b1: the customer's pending deep clean (120), created in January, rescheduled 10 days out;
    b2: the owner's paid, confirmed drain unblock (80) of Harbor Plumbing, created in February;
    b3: the customer's cancelled drain unblock (80), created in March."""
    harbor, drain = market.vendor_with_service("Harbor Plumbing", "Drain unblock")
    b1 = market.booking(at=_this_year(1, 10))
    b2 = market.booking("confirmed", paid=True, consumer_id=auth.a.user_ids["owner"], service_id=drain,
                        at=_this_year(2, 10))
    b3 = market.booking("cancelled", service_id=drain, at=_this_year(3, 10))
    assert counter.patch(b1, {"scheduled_at": later(10)}).status_code == 200
    return {"b1": b1, "b2": b2, "b3": b3, "harbor": harbor, "drain": drain}


def _ids(counter, query):
    return [row["id"] for row in counter.admin_list(query)["data"]]


def test_a_list_item_is_the_admin_apps_shape(auth, counter, three):
    rows = counter.admin_list()["data"]
    assert [row["id"] for row in rows] == [three["b3"], three["b2"], three["b1"]]  # newest first
    b2 = rows[1]
    assert set(b2) == ITEM
    assert b2["user"] == {"id": auth.a.user_ids["owner"], "name": "Alpha Owner", "email": "owner@alpha.test"}
    assert b2["vendor"] == {"id": three["harbor"], "name": "Harbor Plumbing"}
    assert b2["service"] == {"id": three["drain"], "name": "Drain unblock"}
    assert (b2["status"], b2["payment_status"], b2["amount"], b2["currency"]) == ("confirmed", "paid", 80.0, "USD")
    assert b2["booking_number"] == f"BKG-{datetime.now(timezone.utc).year}-0002"


def test_each_filter_narrows_the_list(auth, counter, three, market):
    b1, b2, b3 = three["b1"], three["b2"], three["b3"]
    soon, far = (datetime.now(timezone.utc) + timedelta(days=days) for days in (5, 10))
    year = datetime.now(timezone.utc).year
    number_of_b3 = f"BKG-{year}-0003"
    expected = {
        "status=pending,confirmed": [b2, b1],
        "payment_status=paid": [b2],
        f"vendor_id={three['harbor']}": [b3, b2],
        f"user_id={auth.a.user_ids['owner']}": [b2],
        f"service_id={market.service_id}": [b1],
        f"date_from={far.date().isoformat()}": [b1],
        f"date_to={soon.date().isoformat()}": [b3, b2],
        f"created_from={year}-02-01": [b3, b2],
        f"created_to={year}-02-28": [b2, b1],
        "min_amount=100": [b1],
        "max_amount=80": [b3, b2],
        f"q={number_of_b3}": [b3],
        "q=Alpha%20Owner": [b2],
        "q=owner@alpha": [b2],
        "q=harbor": [b3, b2],
        "q=customer@alpha.test": [b3, b1],
        f"status=cancelled&vendor_id={three['harbor']}&max_amount=80": [b3],
    }
    assert {query: _ids(counter, query) for query in expected} == expected


def test_each_sort_orders_the_list(counter, three):
    b1, b2, b3 = three["b1"], three["b2"], three["b3"]
    expected = {
        "sort=created_at": [b1, b2, b3],
        "sort=-created_at": [b3, b2, b1],
        "sort=scheduled_at": [b2, b3, b1],
        "sort=-scheduled_at": [b1, b3, b2],
        "sort=amount": [b3, b2, b1],  # equal amounts: the newer first
        "sort=-amount": [b1, b3, b2],
        "sort=status": [b3, b2, b1],  # cancelled, confirmed, pending
        "sort=booking_number": [b1, b2, b3],
        "sort=-booking_number": [b3, b2, b1],
    }
    assert {query: _ids(counter, query) for query in expected} == expected
    first = counter.admin_list("per_page=2&page=2")
    assert [row["id"] for row in first["data"]] == [b1] and first["meta"]["total"] == 3


@pytest.mark.parametrize("query", ["status=bogus", "payment_status=owed", "min_amount=abc", "max_amount=-1",
                                   "sort=price", "date_from=yesterday", "vendor_id=0", "q=%00"])
def test_a_bad_filter_is_422(client, auth, three, query):
    answer = client.get(f"/api/v1/admin/bookings?{query}", headers=auth.a.headers("admin"))
    assert answer.status_code == 422, (query, answer.get_json())
    assert answer.get_json()["error"]["code"] == "VALIDATION_ERROR"


def test_a_page_costs_the_same_statements_however_many_rows_it_holds(client, auth, db, market, counter):
    _, drain = market.vendor_with_service("Harbor Plumbing", "Drain unblock")
    consumers = [auth.a.user_ids[role] for role in ("customer", "owner", "admin", "support", "dispatcher")]
    made, statements = 0, []
    for total in (1, 10):
        for n in range(made, total):  # of several consumers, vendors and services: a row each would show
            market.booking(("pending", "confirmed", "cancelled")[n % 3], paid=n % 2 == 0,
                           consumer_id=consumers[n % len(consumers)], service_id=(drain, None)[n % 2])
        made = total
        counter.admin_list("per_page=50")  # the session check's cache warm
        with count_queries(db.engine) as sent:
            page = counter.admin_list("per_page=50")
        assert len(page["data"]) == total
        assert {row["vendor"]["name"] for row in page["data"]} <= {"Harbor Plumbing", "Alpha Cleaning Co."}
        statements.append(sent[0])
    assert statements[0] == statements[1], statements
    assert statements[0] <= 3  # the session check at most, the count, the page


def test_the_detail_shows_payment_refunds_notes_history_and_cancellation(auth, counter, market):
    booking = market.booking("confirmed", paid=True)
    answer = counter.patch(booking, {"status": "cancelled", "reason": "Vendor ill", "refund": {"amount": 20},
                                     "note": "Offered another day"}, role="support")
    assert answer.status_code == 200, answer.get_json()
    detail = counter.detail(booking)
    assert detail == answer.get_json()["data"]
    assert set(detail) == DETAIL
    support = {"id": auth.a.user_ids["support"], "name": "Alpha Support"}
    assert detail["cancellation"] == {"reason": "Vendor ill", "cancelled_by": support,
                                      "cancelled_at": detail["history"][-1]["created_at"]}
    assert set(detail["payment"]) == {"id", "booking_id", "amount", "currency", "method", "status", "provider",
                                      "provider_ref", "paid_at", "refunded_amount"}
    assert (detail["payment"]["amount"], detail["payment"]["status"], detail["payment"]["method"]) == (
        120.0, "succeeded", "card")
    [refund] = detail["refunds"]
    assert {"id", "booking_id", "booking_number", "payment_id", "amount", "currency", "reason", "status",
            "requested_by", "approved_by", "rejected_reason", "failure_reason", "provider_refund_id", "job_id",
            "created_at", "approved_at", "processed_at"} <= set(refund)
    assert (refund["amount"], refund["status"], refund["booking_number"], refund["requested_by"]) == (
        20.0, "requested", detail["booking_number"], support)
    assert [(n["body"], n["author"]) for n in detail["notes"]] == [("Offered another day", support)]
    assert [(h["from_status"], h["to_status"], h["reason"]) for h in detail["history"]] == [
        (None, "pending", "created"), ("pending", "confirmed", None), ("confirmed", "cancelled", "Vendor ill")]
    assert detail["history"][-1]["actor"] == support
    assert (detail["address"], detail["city"], detail["duration_minutes"]) == ("1 Main St", "Springfield", 120)
    fresh = counter.detail(market.booking())
    assert (fresh["cancellation"], fresh["payment"], fresh["refunds"], fresh["notes"]) == (None, None, [], [])


@pytest.mark.parametrize("role", ["technician", "dispatcher", "customer", "vendor"])
def test_only_bookings_managers_reach_the_admin_routes(client, auth, market, role):
    booking = market.booking()
    headers = auth.a.headers(role)
    calls = [client.get("/api/v1/admin/bookings", headers=headers),
             client.get(f"/api/v1/admin/bookings/{booking}", headers=headers),
             client.patch(f"/api/v1/admin/bookings/{booking}", headers=headers, json={"note": "hi"}),
             client.get("/api/v1/admin/services", headers=headers),
             client.post("/api/v1/admin/services", headers=headers,
                         json={"vendor_id": market.vendor_id, "name": "X", "price": 1}),
             client.patch(f"/api/v1/admin/services/{market.service_id}", headers=headers, json={"name": "Y"}),
             client.get("/api/v1/admin/vendors", headers=headers)]
    assert [call.status_code for call in calls] == [403] * len(calls)
    assert all(call.get_json()["error"]["code"] == "FORBIDDEN" for call in calls)


def test_support_reads_and_another_organization_sees_none_of_it(client, auth, app, market):
    booking = market.booking()
    assert client.get("/api/v1/admin/bookings", headers=auth.a.headers("support")).status_code == 200
    assert client.get(f"/api/v1/admin/bookings/{booking}", headers=auth.a.headers("support")).status_code == 200
    other = auth.b.headers("admin")
    listed = client.get(f"/api/v1/admin/bookings?vendor_id={market.vendor_id}", headers=other).get_json()
    assert (listed["data"], listed["meta"]["total"]) == ([], 0)
    assert client.get(f"/api/v1/admin/bookings/{booking}", headers=other).status_code == 404
    assert client.patch(f"/api/v1/admin/services/{market.service_id}", headers=other,
                        json={"name": "Mine now"}).status_code == 404

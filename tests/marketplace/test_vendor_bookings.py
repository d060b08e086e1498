"""GET /vendor/bookings: a vendor's login reads its own vendor's bookings, narrowed like a consumer's,
and nobody else's."""
from datetime import datetime, timedelta, timezone

import pytest

from tests.support.auth import bearer, new_user
from tests.support.marketplace import Market
from tests.support.marketplace_bookings import Counter, later


@pytest.fixture
def market(app, auth):
    return Market(app, auth.a)


@pytest.fixture
def counter(client, auth, market):
    return Counter(client, auth.a, market)


def _ids(client, tenant, query=""):
    answer = client.get(f"/api/v1/vendor/bookings?{query}", headers=tenant.headers("vendor"))
    assert answer.status_code == 200, answer.get_json()
    return [row["id"] for row in answer.get_json()["data"]]


def test_a_vendor_lists_its_own_bookings_with_their_consumer_and_service(client, auth, market):
    _, elsewhere = market.vendor_with_service("Harbor Plumbing", "Drain unblock")
    own = market.booking()
    market.booking(service_id=elsewhere)
    answer = client.get("/api/v1/vendor/bookings", headers=auth.a.headers("vendor")).get_json()
    assert [row["id"] for row in answer["data"]] == [own] and answer["meta"]["total"] == 1
    row = answer["data"][0]
    assert row["user"] == {"id": auth.a.user_ids["customer"], "name": "Alpha Customer",
                           "email": "customer@alpha.test"}
    assert (row["vendor"]["id"], row["service"]["name"], row["amount"]) == (market.vendor_id, "Deep clean", 120.0)


def test_the_vendors_list_filters_by_status_payment_and_scheduled_day(client, auth, market, counter):
    pending = market.booking()
    paid = market.booking("confirmed", paid=True)
    done = market.booking("completed")
    assert counter.patch(pending, {"scheduled_at": later(20)}).status_code == 200
    far = (datetime.now(timezone.utc) + timedelta(days=20)).date().isoformat()
    soon = (datetime.now(timezone.utc) + timedelta(days=5)).date().isoformat()
    number = counter.detail(paid)["booking_number"]
    expected = {
        "": [done, paid, pending],
        "status=pending,completed": [done, pending],
        "payment_status=paid": [paid],
        f"date_from={far}": [pending],
        f"date_to={soon}": [done, paid],
        f"q={number}": [paid],
        "sort=scheduled_at": [paid, done, pending],
    }
    assert {query: _ids(client, auth.a, query) for query in expected} == expected
    assert client.get("/api/v1/vendor/bookings?status=lost", headers=auth.a.headers("vendor")).status_code == 422


def test_a_vendor_reads_its_bookings_detail_but_not_another_vendors(client, auth, market):
    _, elsewhere = market.vendor_with_service("Harbor Plumbing", "Drain unblock")
    own = market.booking("cancelled", paid=True)
    foreign = market.booking(service_id=elsewhere)
    headers = auth.a.headers("vendor")
    detail = client.get(f"/api/v1/vendor/bookings/{own}", headers=headers).get_json()["data"]
    assert (detail["status"], detail["cancellation"]["reason"], detail["payment"]["status"]) == (
        "cancelled", "test", "succeeded")
    missing = client.get(f"/api/v1/vendor/bookings/{foreign}", headers=headers)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "NOT_FOUND"


def test_an_account_linked_to_no_vendor_has_no_bookings(client, auth, market):
    booking = market.booking()
    _, token = new_user(client, auth, "vendor", "drifter")
    listed = client.get("/api/v1/vendor/bookings", headers=bearer(token)).get_json()
    assert (listed["data"], listed["meta"]["total"]) == ([], 0)
    assert client.get(f"/api/v1/vendor/bookings/{booking}", headers=bearer(token)).status_code == 404


def test_only_vendors_of_the_organization_read_them(client, auth, app, market):
    booking = market.booking()
    Market(app, auth.b)
    assert _ids(client, auth.b) == []
    assert client.get(f"/api/v1/vendor/bookings/{booking}", headers=auth.b.headers("vendor")).status_code == 404
    for role in ("customer", "technician", "dispatcher", "support"):
        assert client.get("/api/v1/vendor/bookings", headers=auth.a.headers(role)).status_code == 403, role
        assert client.get(f"/api/v1/vendor/bookings/{booking}", headers=auth.a.headers(role)).status_code == 403

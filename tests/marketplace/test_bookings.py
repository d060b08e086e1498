"""A consumer books a service, lists and reads their own bookings and cancels one; a vendor reads
theirs; services are kept by admins."""
import re

import pytest

from models.core import context
from models.core.db import db as _db
from models.vendors.vendor import Vendor
from tests.support.marketplace import Market
from tests.support.marketplace_bookings import Counter, later


@pytest.fixture
def market(app, auth):
    return Market(app, auth.a)


@pytest.fixture
def counter(client, auth, market):
    return Counter(client, auth.a, market)


def test_a_consumer_books_a_service_at_its_price_and_number(client, auth, counter):
    booking = counter.book()
    assert re.fullmatch(r"BKG-\d{4}-0001", booking["booking_number"])
    assert booking["status"] == "pending" and booking["payment_status"] == "unpaid"
    assert booking["amount"] == 120.0 and booking["currency"] == "USD" and booking["duration_minutes"] == 120
    assert booking["user"]["id"] == auth.a.user_ids["customer"] and booking["service"]["name"] == "Deep clean"
    assert booking["history"][0]["to_status"] == "pending" and booking["cancellation"] is None
    assert counter.book()["booking_number"].endswith("-0002")


def test_a_booking_needs_a_future_time_and_a_bookable_service(app, client, auth, counter, market):
    headers = auth.a.headers("customer")
    past = client.post("/api/v1/bookings", headers=headers,
                       json={"service_id": market.service_id, "scheduled_at": "2020-01-01T10:00:00Z"})
    assert past.status_code == 422 and "scheduled_at" in past.get_json()["error"]["details"]
    unknown = client.post("/api/v1/bookings", headers=headers, json={"service_id": 999999, "scheduled_at": later()})
    assert unknown.status_code == 422
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        _db.session.get(Vendor, market.vendor_id).status = "suspended"
        _db.session.commit()
    suspended = client.post("/api/v1/bookings", headers=headers,
                            json={"service_id": market.service_id, "scheduled_at": later()})
    assert suspended.status_code == 422 and "suspended" in suspended.get_json()["error"]["message"]


def test_a_consumer_sees_only_their_own_bookings(client, auth, counter, market):
    mine = counter.book()
    theirs = market.booking(consumer_id=auth.a.user_ids["owner"])
    listed = client.get("/api/v1/bookings", headers=auth.a.headers("customer")).get_json()
    assert [b["id"] for b in listed["data"]] == [mine["id"]] and listed["meta"]["total"] == 1
    assert client.get(f"/api/v1/bookings/{theirs}", headers=auth.a.headers("customer")).status_code == 404
    assert client.get(f"/api/v1/bookings/{mine['id']}", headers=auth.a.headers("customer")).status_code == 200
    assert client.get("/api/v1/bookings", headers=auth.a.headers("technician")).status_code == 403


def test_another_organizations_booking_is_not_found(client, auth, app, counter):
    booking = counter.book()
    other = auth.b
    Market(app, other)
    assert client.get(f"/api/v1/bookings/{booking['id']}", headers=other.headers("customer")).status_code == 404
    assert client.get(f"/api/v1/admin/bookings/{booking['id']}", headers=other.headers("admin")).status_code == 404
    assert client.patch(f"/api/v1/admin/bookings/{booking['id']}", headers=other.headers("admin"),
                        json={"note": "x"}).status_code == 404


def test_the_consumer_cancels_while_pending_or_confirmed_and_a_paid_booking_gets_its_refund_requested(
        client, auth, market):
    headers = auth.a.headers("customer")
    paid = market.booking("confirmed", paid=True)
    answer = client.post(f"/api/v1/bookings/{paid}/cancel", headers=headers, json={"reason": "Plans changed"})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()["data"]
    assert body["status"] == "cancelled" and body["cancellation"]["reason"] == "Plans changed"
    assert body["cancellation"]["cancelled_by"]["id"] == auth.a.user_ids["customer"]
    assert [(r["status"], r["amount"]) for r in body["refunds"]] == [("requested", 120.0)]
    unpaid = market.booking()
    assert client.post(f"/api/v1/bookings/{unpaid}/cancel", headers=headers,
                       json={"reason": "No"}).get_json()["data"]["refunds"] == []
    started = market.booking("in_progress")
    late = client.post(f"/api/v1/bookings/{started}/cancel", headers=headers, json={"reason": "Too late"})
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "INVALID_TRANSITION"
    assert client.post(f"/api/v1/bookings/{unpaid}/cancel", headers=headers, json={}).status_code == 422


def test_a_vendor_reads_only_its_own_bookings(app, client, auth, market):
    own = market.booking()
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        stranger = Vendor(name="Elsewhere Ltd", status="active")
        _db.session.add(stranger)
        _db.session.commit()
        stranger_id = stranger.id
    from models.marketplace.service import Service
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        service = Service(vendor_id=stranger_id, name="Other", price=50, currency="USD", duration_minutes=30,
                          is_active=True)
        _db.session.add(service)
        _db.session.commit()
        service_id = service.id
    foreign = market.booking(service_id=service_id)
    headers = auth.a.headers("vendor")
    listed = client.get("/api/v1/vendor/bookings", headers=headers).get_json()["data"]
    assert [b["id"] for b in listed] == [own]
    assert client.get(f"/api/v1/vendor/bookings/{foreign}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/vendor/bookings/{own}", headers=headers).status_code == 200
    assert client.get("/api/v1/vendor/bookings", headers=auth.a.headers("customer")).status_code == 403


def test_admins_keep_services_in_the_organizations_currency(client, auth, market):
    admin = auth.a.headers("admin")
    made = client.post("/api/v1/admin/services", headers=admin,
                       json={"vendor_id": market.vendor_id, "name": "Window wash", "category": "cleaning",
                             "price": 45.5, "duration_minutes": 45})
    assert made.status_code == 201, made.get_json()
    service = made.get_json()["data"]
    assert (service["price"], service["currency"], service["vendor_name"], service["is_active"]) == (
        45.5, "USD", "Alpha Cleaning Co.", True)
    off = client.patch(f"/api/v1/admin/services/{service['id']}", headers=admin, json={"is_active": False})
    assert off.get_json()["data"]["is_active"] is False
    catalogue = client.get("/api/v1/services", headers=auth.a.headers("customer")).get_json()["data"]
    assert [s["name"] for s in catalogue] == ["Deep clean"]
    refused = client.post("/api/v1/bookings", headers=auth.a.headers("customer"),
                          json={"service_id": service["id"], "scheduled_at": later()})
    assert refused.status_code == 422
    assert client.post("/api/v1/admin/services", headers=admin,
                       json={"vendor_id": 999999, "name": "X", "price": 1}).status_code == 422
    assert client.get("/api/v1/admin/services", headers=auth.a.headers("dispatcher")).status_code == 403
    filtered = client.get(f"/api/v1/admin/services?vendor_id={market.vendor_id}&is_active=true",
                          headers=admin).get_json()["data"]
    assert [s["name"] for s in filtered] == ["Deep clean"]

"""Services and vendors as admins keep them, and the catalogue consumers book from: the shapes, the
organization's currency, the filters, and who may do what."""
import pytest

from models.core import context
from models.core.db import db as _db
from models.identity.organization import Organization
from tests.support.marketplace import Market
from tests.support.marketplace_bookings import Counter

SERVICE = {"id", "vendor_id", "vendor_name", "name", "category", "description", "price", "currency",
           "duration_minutes", "is_active"}
VENDOR = {"id", "name", "email", "phone", "status", "rating", "reviews_count", "user_id", "created_at", "updated_at"}


@pytest.fixture
def market(app, auth):
    return Market(app, auth.a)


def _names(client, path, headers):
    answer = client.get(path, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return [row["name"] for row in answer.get_json()["data"]]


def _add(client, auth, **body):
    answer = client.post("/api/v1/admin/services", headers=auth.a.headers("admin"), json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["data"]


def test_a_service_is_priced_in_the_organizations_currency_and_booked_at_its_price(app, client, auth, market):
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        _db.session.get(Organization, auth.a.org_id).settings = {"currency": "EUR"}
        _db.session.commit()
    service = _add(client, auth, vendor_id=market.vendor_id, name="Oven clean", category="cleaning", price=59.99,
                   description="Inside and out")
    assert set(service) == SERVICE
    assert (service["price"], service["currency"], service["duration_minutes"], service["vendor_name"]) == (
        59.99, "EUR", 60, "Alpha Cleaning Co.")
    assert client.get(f"/api/v1/admin/services/{service['id']}", headers=auth.a.headers("support")
                      ).get_json()["data"] == service
    booking = Counter(client, auth.a, market).book(service_id=service["id"])
    assert (booking["amount"], booking["currency"]) == (59.99, "EUR")
    raised = client.patch(f"/api/v1/admin/services/{service['id']}", headers=auth.a.headers("admin"),
                          json={"price": 70})
    assert raised.status_code == 200 and raised.get_json()["data"]["price"] == 70.0
    kept = client.get(f"/api/v1/bookings/{booking['id']}", headers=auth.a.headers("customer")).get_json()["data"]
    assert kept["amount"] == 59.99  # a booking keeps the price it was made at


def test_the_admin_list_filters_searches_and_sorts(client, auth, market):
    harbor, _ = market.vendor_with_service("Harbor Plumbing", "Drain unblock", "80.00")
    _add(client, auth, vendor_id=harbor, name="Boiler service", category="heating", price=150)
    _add(client, auth, vendor_id=market.vendor_id, name="Carpet shampoo", category="cleaning", price=65,
         is_active=False)
    admin = auth.a.headers("admin")
    expected = {
        "": ["Boiler service", "Carpet shampoo", "Deep clean", "Drain unblock"],
        f"vendor_id={harbor}": ["Boiler service", "Drain unblock"],
        "category=cleaning": ["Carpet shampoo", "Deep clean"],
        "category=heating,repairs": ["Boiler service", "Drain unblock"],
        "is_active=false": ["Carpet shampoo"],
        "is_active=true&category=cleaning": ["Deep clean"],
        "q=drain": ["Drain unblock"],
        "q=HEAT": ["Boiler service"],
        "sort=price": ["Carpet shampoo", "Drain unblock", "Deep clean", "Boiler service"],
        "sort=-price": ["Boiler service", "Deep clean", "Drain unblock", "Carpet shampoo"],
    }
    assert {query: _names(client, f"/api/v1/admin/services?{query}", admin) for query in expected} == expected
    for bad in ("is_active=maybe", "vendor_id=abc", "sort=vendor"):
        assert client.get(f"/api/v1/admin/services?{bad}", headers=admin).status_code == 422, bad


def test_the_catalogue_holds_active_services_of_active_vendors(app, client, auth, market):
    _, drain = market.vendor_with_service("Harbor Plumbing", "Drain unblock")
    market.vendor_with_service("QuickFix Handyman", "Shelf mounting", status="suspended")
    _add(client, auth, vendor_id=market.vendor_id, name="Carpet shampoo", category="cleaning", price=65,
         is_active=False)
    assert _names(client, "/api/v1/services", auth.a.headers("customer")) == ["Deep clean", "Drain unblock"]
    assert _names(client, "/api/v1/services?category=repairs", auth.a.headers("customer")) == ["Drain unblock"]
    assert _names(client, "/api/v1/services?q=deep", auth.a.headers("support")) == ["Deep clean"]
    assert client.get("/api/v1/services", headers=auth.a.headers("technician")).status_code == 403
    assert client.get("/api/v1/services", headers=auth.a.headers("vendor")).status_code == 403
    Market(app, auth.b)
    assert _names(client, "/api/v1/services", auth.b.headers("customer")) == ["Deep clean"]
    refused = client.post("/api/v1/bookings", headers=auth.b.headers("customer"),
                          json={"service_id": drain, "scheduled_at": "2099-01-01T10:00:00Z"})
    assert refused.status_code == 422 and "service_id" in refused.get_json()["error"]["details"]


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "a\u0000b"}, {"price": -1}, {"price": "ten"},
                                  {"duration_minutes": 0}, {"vendor_id": 2}, {"is_active": None},
                                  {"currency": "EUR"}])
def test_a_bad_service_edit_is_422_and_changes_nothing(client, auth, market, body):
    answer = client.patch(f"/api/v1/admin/services/{market.service_id}", headers=auth.a.headers("admin"), json=body)
    assert answer.status_code == 422, (body, answer.get_json())
    after = client.get(f"/api/v1/admin/services/{market.service_id}", headers=auth.a.headers("admin"))
    assert (after.get_json()["data"]["name"], after.get_json()["data"]["price"]) == ("Deep clean", 120.0)


def test_a_new_service_needs_a_vendor_of_the_organization(app, client, auth, market):
    other = Market(app, auth.b)
    admin = auth.a.headers("admin")
    for body in ({"vendor_id": other.vendor_id, "name": "X", "price": 1}, {"name": "X", "price": 1},
                 {"vendor_id": market.vendor_id, "price": 1}, {"vendor_id": market.vendor_id, "name": "X"}):
        assert client.post("/api/v1/admin/services", headers=admin, json=body).status_code == 422, body
    assert client.get(f"/api/v1/admin/services/{other.service_id}", headers=admin).status_code == 404


def test_vendors_have_the_admin_apps_shape_and_suspending_one_stops_its_bookings(client, auth, market):
    admin = auth.a.headers("admin")
    vendor = client.get(f"/api/v1/admin/vendors/{market.vendor_id}", headers=admin).get_json()["data"]
    assert set(vendor) == VENDOR
    assert (vendor["name"], vendor["status"], vendor["rating"], vendor["reviews_count"], vendor["user_id"]) == (
        "Alpha Cleaning Co.", "active", None, 0, auth.a.user_ids["vendor"])
    suspended = client.patch(f"/api/v1/admin/vendors/{market.vendor_id}", headers=admin, json={"status": "suspended"})
    assert suspended.status_code == 200 and suspended.get_json()["data"]["status"] == "suspended"
    assert _names(client, "/api/v1/admin/vendors?status=suspended", admin) == ["Alpha Cleaning Co."]
    assert _names(client, "/api/v1/services", auth.a.headers("customer")) == []
    refused = client.post("/api/v1/bookings", headers=auth.a.headers("customer"),
                          json={"service_id": market.service_id, "scheduled_at": "2099-01-01T10:00:00Z"})
    assert refused.status_code == 422 and "suspended" in refused.get_json()["error"]["message"]

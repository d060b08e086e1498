"""Vendors: admin CRUD, its rules, tenancy, the list, users' links to vendors, the export."""
import pytest
from sqlalchemy import select, update

from models.core import context
from models.core.db import db
from models.vendors import Vendor
from tests.support.exports import csv_rows, exported

VENDORS, USERS = "/api/v1/admin/vendors", "/api/v1/users"


@pytest.fixture
def admin(client, auth):
    def call(method, url, tenant=None, **kwargs):
        return client.open(url, method=method, headers=(tenant or auth.a).headers("admin"), **kwargs)
    return call


def add(admin, name, tenant=None, **fields):
    r = admin("POST", VENDORS, tenant, json={"name": name, **fields})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["data"]


def test_crud_suspend_and_soft_delete(admin, auth):
    created = admin("POST", VENDORS, json={"name": "Harbor Plumbing", "email": "jobs@harbor.test",
                                           "phone": "+1 555 0100"})
    assert created.status_code == 201 and created.headers["Location"].endswith(f"{VENDORS}/{created.json['data']['id']}")
    vendor = created.get_json()["data"]
    assert {k: v for k, v in vendor.items() if k not in ("id", "created_at", "updated_at")} == {
        "name": "Harbor Plumbing", "email": "jobs@harbor.test", "phone": "+1 555 0100", "status": "active",
        "rating": None, "reviews_count": 0, "user_id": None}
    url = f"{VENDORS}/{vendor['id']}"
    assert admin("GET", url).get_json()["data"]["name"] == "Harbor Plumbing"
    suspended = admin("PATCH", url, json={"status": "suspended", "phone": None})
    assert suspended.status_code == 200
    assert suspended.get_json()["data"]["status"] == "suspended" and suspended.get_json()["data"]["phone"] is None
    assert admin("PATCH", url, json={"rating": 4.5}).status_code == 422  # the reviews' to maintain
    assert admin("DELETE", url).status_code == 204
    assert admin("GET", url).status_code == 404
    assert admin("GET", VENDORS).get_json()["meta"]["total"] == 0


@pytest.mark.parametrize("body, field", [
    ({}, "name"), ({"name": ""}, "name"), ({"name": "x" * 201}, "name"), ({"name": "V", "email": "nope"}, "email"),
    ({"name": "V", "status": "closed"}, "status"), ({"name": "V", "reviews_count": 3}, "reviews_count"),
    ({"name": "V", "user_id": "abc"}, "user_id"),
])
def test_bad_bodies_are_422(admin, body, field):
    r = admin("POST", VENDORS, json=body)
    assert r.status_code == 422 and field in r.get_json()["error"]["details"], r.get_json()


def test_the_login_user_is_a_vendor_role_user_of_the_organization(admin, auth):
    login = auth.a.user_ids["vendor"]
    linked = add(admin, "With login", user_id=login)
    assert linked["user_id"] == login
    for user_id in (auth.a.user_ids["technician"], auth.b.user_ids["vendor"], 999999):
        r = admin("POST", VENDORS, json={"name": "V", "user_id": user_id})
        assert r.status_code == 422 and "user_id" in r.get_json()["error"]["details"]
        assert admin("PATCH", f"{VENDORS}/{linked['id']}", json={"user_id": user_id}).status_code == 422
    assert admin("PATCH", f"{VENDORS}/{linked['id']}", json={"user_id": None}).get_json()["data"]["user_id"] is None


def test_another_organizations_vendor_is_404(admin, auth):
    theirs = add(admin, "Bravo's vendor", auth.b)
    url = f"{VENDORS}/{theirs['id']}"
    assert admin("GET", url).status_code == 404
    assert admin("PATCH", url, json={"status": "suspended"}).status_code == 404
    assert admin("DELETE", url).status_code == 404
    assert [v["name"] for v in admin("GET", VENDORS).get_json()["data"]] == []


def test_list_filters_search_and_sort(admin, app):
    ids = {name: add(admin, name, email=email, status=status)["id"] for name, email, status in (
        ("Cool Breeze", "hi@coolbreeze.test", "active"), ("Alpha Roofing", "roof@alpha.test", "suspended"),
        ("Brightline", "office@brightline.test", "active"))}
    with app.app_context():
        db.session.execute(update(Vendor).where(Vendor.id == ids["Brightline"]).values(rating=4.8)
                           .execution_options(all_tenants=True))
        db.session.execute(update(Vendor).where(Vendor.id == ids["Cool Breeze"]).values(rating=3.2)
                           .execution_options(all_tenants=True))
        db.session.commit()

    def names(**query):
        r = admin("GET", VENDORS, query_string=query)
        assert r.status_code == 200, r.get_json()
        return [v["name"] for v in r.get_json()["data"]]

    assert names() == ["Alpha Roofing", "Brightline", "Cool Breeze"]
    assert names(status="active") == ["Brightline", "Cool Breeze"]
    assert names(status="active,suspended", sort="-name") == ["Cool Breeze", "Brightline", "Alpha Roofing"]
    assert names(q="roof") == ["Alpha Roofing"] and names(q="brightline.test") == ["Brightline"]
    assert names(sort="-rating", status="active") == ["Brightline", "Cool Breeze"]
    assert names(sort="created_at")[0] == "Cool Breeze"
    rated = admin("GET", VENDORS, query_string={"q": "Brightline"}).get_json()["data"][0]
    assert rated["rating"] == 4.8
    assert admin("GET", VENDORS, query_string={"status": "closed"}).status_code == 422
    assert admin("GET", VENDORS, query_string={"sort": "email"}).status_code == 422


def test_only_bookings_managers_reach_vendors(client, auth, admin):
    vendor = add(admin, "V")
    for role in ("technician", "dispatcher", "customer", "vendor"):
        headers = auth.a.headers(role)
        assert client.get(VENDORS, headers=headers).status_code == 403
        assert client.post(VENDORS, headers=headers, json={"name": "X"}).status_code == 403
        assert client.patch(f"{VENDORS}/{vendor['id']}", headers=headers, json={"name": "X"}).status_code == 403
    assert client.get(VENDORS, headers=auth.a.headers("support")).status_code == 200


def test_a_vendor_role_user_links_to_a_vendor_of_the_organization(client, auth, admin, app):
    mine, theirs = add(admin, "Mine"), add(admin, "Theirs", auth.b)
    user_url = f"{USERS}/{auth.a.user_ids['vendor']}"
    assert admin("PATCH", user_url, json={"vendor_id": theirs["id"]}).status_code == 422
    linked = admin("PATCH", user_url, json={"vendor_id": mine["id"]})
    assert linked.status_code == 200 and linked.get_json()["data"]["vendor_id"] == mine["id"]
    technician = f"{USERS}/{auth.a.user_ids['technician']}"
    assert admin("PATCH", technician, json={"vendor_id": mine["id"]}).status_code == 422
    # Deleting the vendor clears its users' links.
    assert admin("DELETE", f"{VENDORS}/{mine['id']}").status_code == 204
    assert admin("GET", user_url).get_json()["data"]["vendor_id"] is None
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        assert db.session.scalar(select(Vendor.id).where(Vendor.id == mine["id"])) is None  # soft deleted


def test_vendors_export_takes_the_list_filters(client, auth, admin, worker):
    add(admin, "Active One", email="one@v.test")
    add(admin, "Suspended One", status="suspended")
    add(admin, "Bravo's", auth.b)
    rows = csv_rows(exported(client, auth.a, "vendors", status=["active"])[1])
    assert [row["name"] for row in rows] == ["Active One"]
    assert list(rows[0]) == ["id", "name", "email", "phone", "status", "rating", "reviews_count", "user_id",
                             "created_at", "updated_at"]

"""Deals: CRUD, PUT against PATCH, links of the organization, roles, filters."""
import pytest

from tests.support.crm import Desk
from tests.support.dispatch import Board


@pytest.fixture
def desk(client, auth):
    return Desk(client, auth.a)


def test_crud_with_nested_links(desk, client, auth):
    customer = Board(client, auth.a).customer("Acme")
    lead = desk.lead()
    deal = desk.deal(customer=customer["id"], lead=lead["id"], assigned_to=auth.a.user_ids["support"])
    assert deal["customer"] == {"id": customer["id"], "name": "Acme"} and deal["lead"]["name"] == "Dana Prospect"
    assert deal["currency"] == "USD" and deal["value"] == 5000 and deal["created_by"]["name"] == "Alpha Support"
    item = desk.get("/api/deals/").get_json()["data"][0]
    assert item["customer_name"] == "Acme" and item["assigned_to_name"] == "Alpha Support" and "customer" not in item
    assert desk.get(f"/api/deals/{deal['id']}/").status_code == 200
    assert desk.send("DELETE", f"/api/deals/{deal['id']}/").status_code == 204
    assert desk.get(f"/api/deals/{deal['id']}").status_code == 404


def test_put_replaces_and_patch_edits(desk):
    deal = desk.deal()
    patched = desk.send("PATCH", f"/api/deals/{deal['id']}", {"stage": "won"}).get_json()["data"]
    assert patched["stage"] == "won" and patched["value"] == 5000
    put = desk.send("PUT", f"/api/deals/{deal['id']}", {"title": "Renewal"}).get_json()["data"]
    assert put["title"] == "Renewal" and put["value"] is None and put["stage"] == "prospecting"
    assert put["expected_close_date"] is None
    assert desk.send("PUT", f"/api/deals/{deal['id']}", {"stage": "won"}).status_code == 422


@pytest.mark.parametrize("body", [{"stage": "closed"}, {"value": "big"}, {"expected_close_date": "soon"},
                                  {"currency": "EUR"}, {"customer": 0}])
def test_bad_fields_are_422(desk, body):
    assert desk.send("POST", "/api/deals", {"title": "X", **body}).status_code == 422


def test_another_organizations_ids(desk, client, auth):
    other = Desk(client, auth.b)
    their_customer = Board(client, auth.b).customer("Theirs")
    their_lead, their_deal = other.lead(), other.deal()
    assert desk.get(f"/api/deals/{their_deal['id']}").status_code == 404
    assert desk.send("PUT", f"/api/deals/{their_deal['id']}", {"title": "X"}).status_code == 404
    for field, ident in (("customer", their_customer["id"]), ("lead", their_lead["id"]),
                         ("assigned_to", auth.b.user_ids["admin"])):
        assert desk.send("POST", "/api/deals", {"title": "X", field: ident}).status_code == 422
        assert desk.get(f"/api/deals?{field}={ident}").status_code == 422
        assert desk.get(f"/api/deals?{field}_id={ident}").status_code == 422


def test_roles(desk):
    deal = desk.deal()
    for role in ("technician", "customer"):
        assert desk.send("POST", "/api/deals", {"title": "X"}, role=role).status_code == 403
        assert desk.send("PUT", f"/api/deals/{deal['id']}", {"title": "X"}, role=role).status_code == 403
        assert desk.send("DELETE", f"/api/deals/{deal['id']}", role=role).status_code == 403
    assert desk.send("GET", "/api/deals", role="dispatcher").status_code == 200


def test_filters_and_drf_spellings(desk, client, auth):
    customer = Board(client, auth.a).customer("Acme")
    desk.deal("Alpha deal", customer=customer["id"], stage="won")
    desk.deal("Beta deal", stage="lost")
    desk.deal("Gamma deal", customer=customer["id"])
    titles = lambda path: [d["title"] for d in desk.get(path).get_json()["data"]]  # noqa: E731
    assert titles(f"/api/deals?customer={customer['id']}&sort=title") == ["Alpha deal", "Gamma deal"]
    assert titles(f"/api/deals?customer_id={customer['id']}&sort=title") == ["Alpha deal", "Gamma deal"]
    assert titles("/api/deals?stage=won,lost&sort=title") == ["Alpha deal", "Beta deal"]
    assert titles("/api/deals/?search=deal&ordering=-title&page_size=2") == ["Gamma deal", "Beta deal"]
    assert titles("/api/deals/?search=deal&ordering=-title&page_size=2") == titles("/api/deals?q=deal&sort=-title&per_page=2")
    assert desk.get("/api/deals?page_size=2&per_page=2").status_code == 422
    assert desk.get("/api/deals?ordering=-title&sort=title").status_code == 422

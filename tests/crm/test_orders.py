"""Orders: numbers, line totals and rounding, lines replaced whole, complete/cancel, stats, tenancy, roles,
the export of one row per line."""
from datetime import date

import pytest

from tests.support.crm import Desk, line
from tests.support.dispatch import Board
from tests.support.exports import csv_rows, exported

ORDERS = "/api/orders"


@pytest.fixture
def desk(client, auth):
    return Desk(client, auth.a)


def test_crud_with_lines_links_and_number(desk, client, auth):
    customer, supplier = Board(client, auth.a).customer("Acme"), desk.vendor()
    order = desk.order(vendor=supplier["id"], customer=customer["id"], assigned_to=auth.a.user_ids["support"])
    year = date.today().year
    assert order["order_number"] == f"ORD-{year}-0001" and desk.order()["order_number"] == f"ORD-{year}-0002"
    assert order["vendor"] == {"id": supplier["id"], "name": "Harbor Plumbing Co."}
    assert order["customer"]["name"] == "Acme" and order["created_by"]["name"] == "Alpha Support"
    assert order["status"] == "draft" and order["currency"] == "USD" and order["order_date"] is not None
    assert order["items_count"] == 1 and order["total_amount"] == 25
    assert order["items"][0] | {"id": 0} == {"id": 0, "item_name": "Filter", "description": None, "sku": "F-1",
                                            "quantity": 2, "unit_price": 12.5, "total_price": 25}
    assert order["paid_amount"] == 0 and order["balance_due"] == 25
    item = next(o for o in desk.get(f"{ORDERS}/").get_json()["data"] if o["id"] == order["id"])
    assert item["vendor_name"] == "Harbor Plumbing Co." and item["customer_name"] == "Acme" and item["items_count"] == 1
    assert "items" not in item and "vendor" not in item
    assert desk.send("DELETE", f"{ORDERS}/{order['id']}/").status_code == 204
    assert desk.get(f"{ORDERS}/{order['id']}").status_code == 404


@pytest.mark.parametrize("lines, totals, amount", [
    ([line(0.335, 3)], [1.01], 1.01),  # 1.005, half-up
    ([line(1, 0.1), line(1, 0.2)], [0.1, 0.2], 0.3),
    ([line(1.5, 19.99)], [29.99], 29.99),  # 29.985 half-up
    ([line(0.001, 0.01)], [0.0], 0.0),
])
def test_totals_are_decimal_half_up(desk, lines, totals, amount):
    order = desk.order(items=lines)
    assert [i["total_price"] for i in order["items"]] == totals and order["total_amount"] == amount


def test_money_and_quantities_are_exact_on_the_wire(desk, client):
    order = desk.order(items=[line(1, 0.1), line(1, 0.2)])
    raw = client.get(f"{ORDERS}/{order['id']}", headers=desk.headers).get_data(as_text=True)
    assert '"total_amount": 0.30' in raw or '"total_amount":0.30' in raw


@pytest.mark.parametrize("bad, field", [
    ({"quantity": 0}, "items.0.quantity"), ({"quantity": -1}, "items.0.quantity"),
    ({"unit_price": -0.01}, "items.0.unit_price"), ({"quantity": "two"}, "items.0.quantity"),
    ({"total_price": 5}, "items.0.total_price"), ({"item_name": ""}, "items.0.item_name"),
    ({"quantity": 999999, "unit_price": 9999999999}, "items.0.total_price"),
])
def test_bad_lines_are_422_naming_the_line(desk, bad, field):
    r = desk.send("POST", ORDERS, {"title": "X", "items": [line(1, 1) | bad]})
    assert r.status_code == 422 and field in r.get_json()["error"]["details"], r.get_json()


@pytest.mark.parametrize("body", [{"total_amount": 5}, {"order_number": "ORD-2020-0001"}, {"items_count": 3},
                                  {"currency": "EUR"}, {"status": "shipped"}, {"order_type": "gift"}])
def test_computed_and_bad_fields_are_422(desk, body):
    assert desk.send("POST", ORDERS, {"title": "X", **body}).status_code == 422


def test_a_failed_create_takes_no_number(desk):
    assert desk.send("POST", ORDERS, {"title": "X", "items": [line(0, 1)]}).status_code == 422
    assert desk.order()["order_number"].endswith("-0001")


def test_put_and_patch_replace_the_lines_whole(desk):
    order = desk.order(items=[line(1, 10, "A"), line(2, 5, "B")])
    url = f"{ORDERS}/{order['id']}"
    patched = desk.send("PATCH", url, {"items": [line(4, 2.5, "C")]}).get_json()["data"]
    assert [i["item_name"] for i in patched["items"]] == ["C"] and patched["total_amount"] == 10
    assert desk.send("PATCH", url, {"title": "Renamed"}).get_json()["data"]["items_count"] == 1  # no items: kept
    bad = desk.send("PATCH", url, {"title": "Lost", "items": [line(1, 1, "D"), line(-1, 1, "E")]})
    assert bad.status_code == 422 and "items.1.quantity" in bad.get_json()["error"]["details"]
    kept = desk.get(url).get_json()["data"]
    assert kept["title"] == "Renamed" and [i["item_name"] for i in kept["items"]] == ["C"] and kept["total_amount"] == 10
    put = desk.send("PUT", url, {"title": "Bare"}).get_json()["data"]  # PUT without items clears them
    assert put["items"] == [] and put["items_count"] == 0 and put["total_amount"] == 0 and put["order_type"] == "other"
    assert put["order_number"] == order["order_number"]
    put = desk.send("PUT", url, {"title": "Full", "items": [line(2, 3)]}).get_json()["data"]
    assert put["total_amount"] == 6 and put["items_count"] == 1


def test_complete_and_cancel(desk):
    done, dropped, closed = desk.order(), desk.order(status="confirmed"), desk.order()
    assert desk.send("POST", f"{ORDERS}/{done['id']}/complete/").get_json()["data"]["status"] == "completed"
    for action in ("complete", "cancel"):
        r = desk.send("POST", f"{ORDERS}/{done['id']}/{action}", {})
        assert r.status_code == 409 and r.get_json()["error"]["details"]["allowed"] == []
    cancelled = desk.send("POST", f"{ORDERS}/{dropped['id']}/cancel", {"reason": "Client changed plans"})
    assert cancelled.status_code == 200
    assert desk.get(f"{ORDERS}/{dropped['id']}").get_json()["data"]["cancellation_reason"] == "Client changed plans"
    assert desk.send("POST", f"{ORDERS}/{dropped['id']}/cancel", {}).status_code == 409
    assert desk.send("POST", f"{ORDERS}/{dropped['id']}/complete").status_code == 409
    assert desk.send("POST", f"{ORDERS}/{closed['id']}/cancel", {"reason": 5}).status_code == 422
    history = desk.send("GET", f"/api/v1/admin/audit-log?entity_type=order&entity_id={dropped['id']}", role="admin")
    moves = [e["after"] for e in history.get_json()["data"] if e["action"] == "update"]
    assert {"status": "cancelled", "cancellation_reason": "Client changed plans"} in moves


def test_stats_follow_the_list_filters(desk, client, auth):
    supplier = desk.vendor()
    a = desk.order(vendor=supplier["id"], order_type="service", items=[line(1, 100)])
    desk.order(vendor=supplier["id"], items=[line(2, 0.5)])
    desk.order(order_type="rental", items=[line(1, 7)])
    desk.send("POST", f"{ORDERS}/{a['id']}/complete")
    stats = desk.get(f"{ORDERS}/stats/").get_json()["data"]
    assert stats["total"] == 3 and stats["total_revenue"] == 100
    assert stats["by_status"] == {"draft": 2, "pending": 0, "confirmed": 0, "in_progress": 0, "completed": 1,
                                  "cancelled": 0}
    assert stats["by_type"] == {"purchase": 1, "service": 1, "rental": 1, "other": 0}
    narrowed = desk.get(f"{ORDERS}/stats?vendor={supplier['id']}").get_json()["data"]
    listed = desk.get(f"{ORDERS}?vendor={supplier['id']}").get_json()["data"]
    assert narrowed["total"] == len(listed) == 2 and narrowed["by_type"]["rental"] == 0
    assert desk.get(f"{ORDERS}/stats?status=draft").get_json()["data"]["total_revenue"] == 0


def test_filters_search_and_drf_spellings(desk, client, auth):
    customer = Board(client, auth.a).customer("Acme")
    desk.order("Alpha boiler", customer=customer["id"], status="pending")
    desk.order("Beta pipes", order_type="service")
    desk.order("Gamma boiler", customer=customer["id"], description="for the pipes")
    titles = lambda path: [o["title"] for o in desk.get(path).get_json()["data"]]  # noqa: E731
    assert titles(f"{ORDERS}?customer={customer['id']}&sort=title") == ["Alpha boiler", "Gamma boiler"]
    assert titles(f"{ORDERS}?customer_id={customer['id']}&sort=title") == ["Alpha boiler", "Gamma boiler"]
    assert titles(f"{ORDERS}?status=pending,draft&order_type=service") == ["Beta pipes"]
    assert titles(f"{ORDERS}/?search=pipes&ordering=-title&page_size=5") == ["Gamma boiler", "Beta pipes"]
    assert titles(f"{ORDERS}/?search=pipes&ordering=-title&page_size=5") == titles(f"{ORDERS}?q=pipes&sort=-title&per_page=5")
    number = desk.get(ORDERS).get_json()["data"][0]["order_number"]
    assert titles(f"{ORDERS}?search={number}") == ["Gamma boiler"]


def test_another_organizations_ids(desk, client, auth):
    theirs = Desk(client, auth.b).order()
    their_customer, their_vendor = Board(client, auth.b).customer("Theirs"), Desk(client, auth.b).vendor()
    assert desk.get(f"{ORDERS}/{theirs['id']}").status_code == 404
    assert desk.send("PATCH", f"{ORDERS}/{theirs['id']}", {"title": "X"}).status_code == 404
    assert desk.send("POST", f"{ORDERS}/{theirs['id']}/complete").status_code == 404
    for field, ident in (("customer", their_customer["id"]), ("vendor", their_vendor["id"]),
                         ("assigned_to", auth.b.user_ids["admin"])):
        r = desk.send("POST", ORDERS, {"title": "X", field: ident})
        assert r.status_code == 422 and field in r.get_json()["error"]["details"]
        assert desk.get(f"{ORDERS}?{field}={ident}").status_code == 422
        assert desk.get(f"{ORDERS}/stats?{field}_id={ident}").status_code == 422


def test_roles(desk):
    order = desk.order()
    for role in ("technician", "customer"):
        assert desk.send("POST", ORDERS, {"title": "X"}, role=role).status_code == 403
        assert desk.send("PATCH", f"{ORDERS}/{order['id']}", {"title": "X"}, role=role).status_code == 403
        assert desk.send("POST", f"{ORDERS}/{order['id']}/complete", role=role).status_code == 403
        assert desk.send("GET", f"{ORDERS}/stats", role=role).status_code == 403
    assert desk.send("GET", ORDERS, role="dispatcher").status_code == 200
    assert desk.send("POST", f"{ORDERS}/{order['id']}/cancel", {}, role="dispatcher").status_code == 403


def test_export_is_one_row_per_line(desk, client, auth, worker):
    two = desk.order("Two lines", items=[line(1, 1, "A"), line(2, 2, "B")])
    none = desk.order("No lines", items=[])
    Desk(client, auth.b).order("Theirs")
    _job, text, _download = exported(client, auth.a, "orders")
    rows = csv_rows(text)
    assert [(r["order_number"], r["item_name"]) for r in rows] == [
        (two["order_number"], "A"), (two["order_number"], "B"), (none["order_number"], "")]
    assert rows[1]["total_price"] == "4.00" and rows[2]["item_id"] == ""


def test_an_answer_names_the_rows_its_ids_now_name(desk, client, auth):
    acme, other = Board(client, auth.a).customer("Acme"), Board(client, auth.a).customer("Other")
    order = desk.order(customer=acme["id"])
    moved = desk.send("PATCH", f"{ORDERS}/{order['id']}", {"customer": other["id"]}).get_json()["data"]
    assert moved["customer"] == {"id": other["id"], "name": "Other"} and moved["customer_name"] == "Other"
    assert desk.send("PATCH", f"{ORDERS}/{order['id']}", {"customer": None}).get_json()["data"]["customer"] is None

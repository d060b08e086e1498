"""Payments: numbers, processed stamps by the action and by PATCH, mark_failed, an order's paid amount,
stats, tenancy, roles."""
from datetime import date

import pytest

from tests.support.crm import Desk, line
from tests.support.dispatch import Board

PAYMENTS = "/api/payments"


@pytest.fixture
def desk(client, auth):
    return Desk(client, auth.a)


def test_crud_with_links_and_number(desk, client, auth):
    customer, supplier, order = Board(client, auth.a).customer("Acme"), desk.vendor(), desk.order()
    pay = desk.payment(250.5, order=order["id"], customer=customer["id"], vendor=supplier["id"],
                       invoice_number="INV-7", payment_date="2026-11-30")
    assert pay["payment_number"] == f"PAY-{date.today().year}-0001" and pay["status"] == "pending"
    assert pay["order"] == {"id": order["id"], "name": order["order_number"]} and pay["currency"] == "USD"
    assert pay["customer"]["name"] == "Acme" and pay["vendor"]["name"] == "Harbor Plumbing Co."
    assert pay["processed_at"] is None and pay["processed_by"] is None and pay["created_by"]["name"] == "Alpha Support"
    item = desk.get(f"{PAYMENTS}/").get_json()["data"][0]
    assert item["order_number"] == order["order_number"] and item["customer_name"] == "Acme" and "order" not in item
    put = desk.send("PUT", f"{PAYMENTS}/{pay['id']}/", {"amount": 10}).get_json()["data"]
    assert put["order"] is None and put["invoice_number"] is None and put["payment_type"] == "incoming"
    assert desk.send("DELETE", f"{PAYMENTS}/{pay['id']}").status_code == 204
    assert desk.get(f"{PAYMENTS}/{pay['id']}").status_code == 404


@pytest.mark.parametrize("body", [{"amount": 0}, {"amount": -5}, {"amount": "10"}, {"status": "paid"},
                                  {"payment_method": "barter"}, {"payment_number": "PAY-2020-0001"},
                                  {"processed_at": "2026-01-01T00:00:00Z"}, {"currency": "EUR"}])
def test_bad_fields_are_422(desk, body):
    assert desk.send("POST", PAYMENTS, {"amount": 10, **body}).status_code == 422


def test_process_stamps_who_and_when(desk, auth):
    pay = desk.payment()
    done = desk.send("POST", f"{PAYMENTS}/{pay['id']}/process/").get_json()["data"]
    assert done["status"] == "completed" and done["processed_at"] is not None
    assert done["processed_by"] == {"id": auth.a.user_ids["support"], "name": "Alpha Support"}
    again = desk.send("POST", f"{PAYMENTS}/{pay['id']}/process")
    assert again.status_code == 409 and again.get_json()["error"]["details"]["allowed"] == []
    assert desk.send("POST", f"{PAYMENTS}/{pay['id']}/mark_failed", {"reason": "x"}).status_code == 409


def test_patch_to_completed_stamps_too(desk, auth):
    pay = desk.payment(status="processing")
    assert pay["processed_at"] is None
    done = desk.send("PATCH", f"{PAYMENTS}/{pay['id']}", {"status": "completed"}, role="admin").get_json()["data"]
    assert done["processed_at"] is not None and done["processed_by"]["id"] == auth.a.user_ids["admin"]
    kept = desk.send("PATCH", f"{PAYMENTS}/{pay['id']}", {"notes": "ok"}).get_json()["data"]
    assert kept["processed_at"] == done["processed_at"] and kept["processed_by"]["id"] == auth.a.user_ids["admin"]
    created_done = desk.payment(status="completed")
    assert created_done["processed_at"] is not None and created_done["processed_by"]["name"] == "Alpha Support"


def test_mark_failed(desk):
    pay = desk.payment()
    assert desk.send("POST", f"{PAYMENTS}/{pay['id']}/mark_failed", {}).status_code == 422
    assert desk.send("POST", f"{PAYMENTS}/{pay['id']}/mark_failed", {"reason": ""}).status_code == 422
    failed = desk.send("POST", f"{PAYMENTS}/{pay['id']}/mark_failed", {"reason": "Card declined"})
    assert failed.status_code == 200 and failed.get_json()["data"]["status"] == "failed"
    assert failed.get_json()["data"]["failure_reason"] == "Card declined"
    assert desk.send("POST", f"{PAYMENTS}/{pay['id']}/process").status_code == 409
    processing = desk.payment(status="processing")
    moves = desk.send("POST", f"{PAYMENTS}/{processing['id']}/process").get_json()["data"]
    assert moves["status"] == "completed"


def test_an_orders_paid_amount_and_balance(desk):
    order = desk.order(items=[line(3, 100)])
    for amount, fields in ((120, {}), (30.25, {}), (40, {"payment_type": "outgoing"}), (50, {"status": "pending"})):
        pay = desk.payment(amount, order=order["id"], **fields)
        if fields.get("status") != "pending":
            desk.send("POST", f"{PAYMENTS}/{pay['id']}/process")
    failed = desk.payment(70, order=order["id"])
    desk.send("POST", f"{PAYMENTS}/{failed['id']}/mark_failed", {"reason": "bounced"})
    detail = desk.get(f"/api/orders/{order['id']}").get_json()["data"]
    assert detail["paid_amount"] == 150.25 and detail["balance_due"] == 149.75
    over = desk.payment(200, order=order["id"], status="completed")
    assert desk.get(f"/api/orders/{order['id']}").get_json()["data"]["balance_due"] == -50.25
    desk.send("DELETE", f"{PAYMENTS}/{over['id']}")
    assert desk.get(f"/api/orders/{order['id']}").get_json()["data"]["paid_amount"] == 150.25


def test_stats_follow_the_list_filters(desk):
    order = desk.order()
    a = desk.payment(10.1, order=order["id"], payment_method="cash")
    desk.payment(0.2, order=order["id"], payment_type="refund")
    desk.payment(5, payment_method="online", payment_type="outgoing")
    desk.send("POST", f"{PAYMENTS}/{a['id']}/process")
    stats = desk.get(f"{PAYMENTS}/stats").get_json()["data"]
    assert stats["total"] == 3 and stats["total_amount"] == 15.3 and stats["completed_amount"] == 10.1
    assert stats["by_status"] == {"pending": 2, "processing": 0, "completed": 1, "failed": 0, "cancelled": 0}
    assert stats["by_type"] == {"incoming": 1, "outgoing": 1, "refund": 1}
    assert stats["by_method"] == {"cash": 1, "card": 1, "bank_transfer": 0, "cheque": 0, "online": 1, "other": 0}
    narrowed = desk.get(f"{PAYMENTS}/stats?order={order['id']}").get_json()["data"]
    listed = desk.get(f"{PAYMENTS}?order={order['id']}").get_json()["data"]
    assert narrowed["total"] == len(listed) == 2 and narrowed["total_amount"] == round(sum(p["amount"] for p in listed), 2) == 10.3


def test_filters_search_and_drf_spellings(desk):
    order = desk.order()
    desk.payment(1, order=order["id"], invoice_number="INV-100", payment_method="cheque")
    desk.payment(2, reference_number="REF-100", status="failed")
    desk.payment(3, transaction_id="tx-9")
    amounts = lambda path: [p["amount"] for p in desk.get(path).get_json()["data"]]  # noqa: E731
    assert amounts(f"{PAYMENTS}?order={order['id']}") == amounts(f"{PAYMENTS}?order_id={order['id']}") == [1]
    assert amounts(f"{PAYMENTS}?status=failed,completed") == [2]
    assert amounts(f"{PAYMENTS}?payment_method=cheque,cash") == [1]
    assert amounts(f"{PAYMENTS}/?search=100&ordering=-amount&page_size=5") == [2, 1]
    assert amounts(f"{PAYMENTS}/?search=100&ordering=-amount&page_size=5") == amounts(f"{PAYMENTS}?q=100&sort=-amount")
    assert amounts(f"{PAYMENTS}?search=TX-9") == [3]


def test_another_organizations_ids(desk, client, auth):
    other = Desk(client, auth.b)
    their_order, their_payment = other.order(), other.payment()
    their_customer, their_vendor = Board(client, auth.b).customer("Theirs"), Desk(client, auth.b).vendor()
    assert desk.get(f"{PAYMENTS}/{their_payment['id']}").status_code == 404
    assert desk.send("POST", f"{PAYMENTS}/{their_payment['id']}/process").status_code == 404
    for field, ident in (("order", their_order["id"]), ("customer", their_customer["id"]),
                         ("vendor", their_vendor["id"])):
        r = desk.send("POST", PAYMENTS, {"amount": 1, field: ident})
        assert r.status_code == 422 and field in r.get_json()["error"]["details"]
        assert desk.get(f"{PAYMENTS}?{field}={ident}").status_code == 422
        assert desk.get(f"{PAYMENTS}/stats?{field}={ident}").status_code == 422


def test_roles(desk):
    pay = desk.payment()
    for role in ("technician", "customer"):
        assert desk.send("POST", PAYMENTS, {"amount": 1}, role=role).status_code == 403
        assert desk.send("PUT", f"{PAYMENTS}/{pay['id']}", {"amount": 1}, role=role).status_code == 403
        assert desk.send("POST", f"{PAYMENTS}/{pay['id']}/process", role=role).status_code == 403
        assert desk.send("GET", PAYMENTS, role=role).status_code == 403
    assert desk.send("GET", f"{PAYMENTS}/stats", role="dispatcher").status_code == 200

"""A CRM list or detail costs the same statements with 1 row or 10, linked rows included: the rows
they point at come in the page's query, and the rows those point at are not loaded at all."""
import pytest

from tests.support.crm import Desk
from tests.support.dispatch import Board
from tests.support.waiting import count_queries


@pytest.mark.parametrize("count", [1, 10])
def test_an_activities_page_is_the_same_statements_however_many_rows(client, auth, db, count):
    desk = Desk(client, auth.a)
    customer = Board(client, auth.a).customer("Acme")
    lead = desk.lead()
    deal = desk.deal(customer=customer["id"], lead=lead["id"], assigned_to=auth.a.user_ids["dispatcher"])
    for n in range(count):
        desk.activity(f"Call {n}", customer=customer["id"], lead=lead["id"], deal=deal["id"],
                      assigned_to=auth.a.user_ids["support"])
    order = desk.order(customer=customer["id"])
    desk.payment(order=order["id"], customer=customer["id"])
    statements = {}
    for path in ("/api/activities/?page_size=10", "/api/payments/", f"/api/orders/{order['id']}/"):
        desk.get(path)  # the count cache and the auth path warm
        with count_queries(db.engine) as sent:
            answer = desk.get(path)
        assert answer.status_code == 200
        statements[path] = sent[0]
    rows = desk.get("/api/activities/?page_size=10").get_json()["data"]
    assert {(r["deal_name"], r["lead_name"], r["assigned_to_name"]) for r in rows} == {
        ("Annual service contract", "Dana Prospect", "Alpha Support")}
    # the session check, then the page (its total is cached); a detail adds its lines and paid amount
    assert statements == {"/api/activities/?page_size=10": 2, "/api/payments/": 2, f"/api/orders/{order['id']}/": 5}

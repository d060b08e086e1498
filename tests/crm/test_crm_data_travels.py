"""The CRM's rows leave and come back as an admin's would: each resource exported (orders one row
per line), and a backup restored exactly. A real Celery worker runs the jobs."""
import json

from sqlalchemy import text

from tests.support.backups import backup, differences, dump, restore
from tests.support.crm import Desk, line
from tests.support.dispatch import Board
from tests.support.exports import csv_rows, exported

CRM_TABLES = ("leads", "deals", "issues", "orders", "order_items", "payments", "activities")


def crm_data(client, tenant):
    """One of each CRM row, linked as a support desk would link them."""
    desk = Desk(client, tenant)
    customer = Board(client, tenant).customer("Acme Facilities")
    vendor = desk.vendor()
    lead = desk.lead()
    deal = desk.deal(customer=customer["id"], lead=lead["id"])
    order = desk.order("Boiler parts", items=[line(2, 12.5, "Valve"), line(1.5, 19.99, "=Gasket")],
                       vendor=vendor["id"], customer=customer["id"])
    empty = desk.order("Quote only", items=[])
    payment = desk.payment(25, order=order["id"], customer=customer["id"])
    issue = desk.issue(vendor["id"], order=order["id"])
    meeting = desk.activity("Site survey", "meeting", customer=customer["id"], deal=deal["id"],
                            attendees=["Dana", "Lee"], meeting_url="https://meet.example.test/1",
                            scheduled_at="2026-12-10T09:00:00Z")
    return desk, {"customer": customer, "order": order, "empty": empty, "payment": payment, "issue": issue,
                  "meeting": meeting, "lead": lead, "deal": deal}


def test_each_crm_resource_exports_its_rows_and_orders_give_a_row_per_line(client, auth, worker):
    _, made = crm_data(client, auth.a)
    crm_data(client, auth.b)  # another organization's rows stay out

    _, orders, _ = exported(client, auth.a, "orders")
    rows = csv_rows(orders)
    assert [(r["order_number"], r["item_name"], r["total_price"]) for r in rows] == [
        (made["order"]["order_number"], "Valve", "25.00"), (made["order"]["order_number"], "'=Gasket", "29.99"),
        (made["empty"]["order_number"], "", "")]
    assert {r["total_amount"] for r in rows[:2]} == {"54.99"} and rows[0]["customer_name"] == "Acme Facilities"

    for resource, key, value in (("issues", "issue_number", made["issue"]["issue_number"]),
                                 ("payments", "payment_number", made["payment"]["payment_number"]),
                                 ("leads", "name", made["lead"]["name"]), ("deals", "title", made["deal"]["title"])):
        _, exported_text, _ = exported(client, auth.a, resource)
        assert [row[key] for row in csv_rows(exported_text)] == [value], resource

    _, activities, _ = exported(client, auth.a, "activities", fmt="jsonl")
    [meeting] = [json.loads(row) for row in activities.splitlines()]
    assert meeting["attendees"] == ["Dana", "Lee"] and meeting["customer_name"] == "Acme Facilities"
    _, activities_csv, _ = exported(client, auth.a, "activities")
    assert json.loads(csv_rows(activities_csv)[0]["attendees"]) == ["Dana", "Lee"]


def test_a_restore_puts_the_crm_back_exactly(client, auth, db, worker):
    desk, made = crm_data(client, auth.a)
    before = dump(db, auth.a.org_id)
    assert all(before[table] for table in CRM_TABLES), {table: len(before[table]) for table in CRM_TABLES}
    taken = backup(client, auth.a)

    assert desk.send("PATCH", f"/api/orders/{made['order']['id']}/", {"items": [line(1, 1)]}).status_code == 200
    assert desk.send("POST", f"/api/payments/{made['payment']['id']}/process/").status_code == 200
    assert desk.send("DELETE", f"/api/issues/{made['issue']['id']}/").status_code == 204
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM activities WHERE id = :id"), {"id": made["meeting"]["id"]})
    assert differences(dump(db, auth.a.org_id), before)

    done = restore(client, auth.a, taken["id"])
    assert done["status"] == "succeeded", done
    assert differences(dump(db, auth.a.org_id), before) == []
    order = desk.get(f"/api/orders/{made['order']['id']}/").get_json()["data"]
    assert [item["item_name"] for item in order["items"]] == ["Valve", "=Gasket"] and order["paid_amount"] == 0


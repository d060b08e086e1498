"""Leads: CRUD, PUT against PATCH, tenancy, roles, conversion, DRF-style lists."""
import pytest
from sqlalchemy import select

from models.core import context
from models.core.audit import AuditLogEntry
from models.core.db import db
from models.dispatch import Customer
from tests.support.crm import Desk


@pytest.fixture
def desk(client, auth):
    return Desk(client, auth.a)


def test_create_read_list_and_delete(desk, auth):
    lead = desk.lead(assigned_to=auth.a.user_ids["dispatcher"])
    assert lead["status"] == "new" and lead["value"] == 1200.5 and lead["currency"] == "USD"
    assert lead["assigned_to"] == {"id": auth.a.user_ids["dispatcher"], "name": "Alpha Dispatcher"}
    assert lead["created_by"]["id"] == auth.a.user_ids["support"]
    assert lead["created_at"] and lead["updated_at"]
    item = desk.get("/api/leads/").get_json()["data"][0]
    assert item["assigned_to_name"] == "Alpha Dispatcher" and "assigned_to" not in item
    assert desk.get(f"/api/leads/{lead['id']}/").get_json()["data"]["name"] == "Dana Prospect"
    assert desk.send("DELETE", f"/api/leads/{lead['id']}/").status_code == 204
    assert desk.get(f"/api/leads/{lead['id']}").status_code == 404
    assert desk.get("/api/leads").get_json()["meta"]["total"] == 0


def test_put_replaces_and_patch_edits(desk):
    lead = desk.lead(notes="call back")
    patched = desk.send("PATCH", f"/api/leads/{lead['id']}/", {"status": "contacted"}).get_json()["data"]
    assert patched["status"] == "contacted" and patched["notes"] == "call back"
    put = desk.send("PUT", f"/api/leads/{lead['id']}/", {"name": "Dana P."}).get_json()["data"]
    assert put["name"] == "Dana P." and put["notes"] is None and put["company"] is None and put["status"] == "new"
    missing = desk.send("PUT", f"/api/leads/{lead['id']}/", {"company": "X"})
    assert missing.status_code == 422 and "name" in missing.get_json()["error"]["details"]
    assert desk.send("PATCH", f"/api/leads/{lead['id']}", {}).status_code == 422


@pytest.mark.parametrize("body", [{"source": "fax"}, {"status": "converted"}, {"value": -1}, {"email": "nope"},
                                  {"name": ""}, {"assigned_to": "3"}, {"owner": 1}])
def test_bad_fields_are_422(desk, body):
    assert desk.send("POST", "/api/leads", {"name": "X", **body}).status_code == 422


def test_another_organizations_ids(desk, client, auth):
    theirs = Desk(client, auth.b).lead()
    assert desk.get(f"/api/leads/{theirs['id']}").status_code == 404
    assert desk.send("PATCH", f"/api/leads/{theirs['id']}", {"status": "contacted"}).status_code == 404
    stranger = auth.b.user_ids["dispatcher"]
    refused = desk.send("POST", "/api/leads", {"name": "X", "assigned_to": stranger})
    assert refused.status_code == 422 and "assigned_to" in refused.get_json()["error"]["details"]
    assert desk.get(f"/api/leads?assigned_to={stranger}").status_code == 422


def test_roles(desk, auth):
    lead = desk.lead()
    for role in ("technician", "customer"):
        assert desk.send("POST", "/api/leads", {"name": "X"}, role=role).status_code == 403
        assert desk.send("PATCH", f"/api/leads/{lead['id']}", {"name": "X"}, role=role).status_code == 403
        assert desk.send("DELETE", f"/api/leads/{lead['id']}", role=role).status_code == 403
        assert desk.send("GET", "/api/leads", role=role).status_code == 403
    for role in ("admin", "dispatcher", "support"):
        assert desk.send("GET", f"/api/leads/{lead['id']}", role=role).status_code == 200
    assert desk.send("PATCH", f"/api/leads/{lead['id']}", {"name": "X"}, role="dispatcher").status_code == 403


def test_filters_and_drf_spellings(desk, auth):
    mine = auth.a.user_ids["admin"]
    desk.lead("Ann", source="event", assigned_to=mine)
    desk.lead("Bob", source="referral")
    desk.lead("Cat", source="event", status="qualified")
    names = lambda path: [lead["name"] for lead in desk.get(path).get_json()["data"]]  # noqa: E731
    assert names("/api/leads?source=event&sort=name") == ["Ann", "Cat"]
    assert names(f"/api/leads?assigned_to={mine}") == names(f"/api/leads?assigned_to_id={mine}") == ["Ann"]
    assert names("/api/leads?status=new,qualified&sort=-name") == ["Cat", "Bob", "Ann"]
    assert names("/api/leads/?search=a&ordering=-name&page_size=2") == names("/api/leads?q=a&sort=-name&per_page=2")
    assert desk.get("/api/leads?search=a&q=a").status_code == 422
    assert desk.get(f"/api/leads?assigned_to={mine}&assigned_to_id={mine}").status_code == 422


def test_convert_a_qualified_lead(desk, app, auth):
    lead = desk.lead(status="qualified", assigned_to=auth.a.user_ids["admin"])
    answer = desk.send("POST", f"/api/leads/{lead['id']}/convert/", {})
    assert answer.status_code == 201, answer.get_json()
    converted = answer.get_json()["data"]
    deal = converted["deal"]
    assert deal["lead"] == {"id": lead["id"], "name": "Dana Prospect"} and deal["value"] == 1200.5
    assert deal["customer"] == {"id": converted["customer_id"], "name": "Prospect Ltd"}
    assert deal["stage"] == "prospecting" and deal["assigned_to"]["id"] == auth.a.user_ids["admin"]
    assert desk.get(f"/api/leads/{lead['id']}").get_json()["data"]["status"] == "converted"
    assert desk.send("POST", f"/api/leads/{lead['id']}/convert", {}).status_code == 409
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        customer = db.session.get(Customer, converted["customer_id"])
        assert customer.contact_person == "Dana Prospect" and customer.email == "dana@prospect.test"
        audited = set(db.session.execute(select(AuditLogEntry.entity_type, AuditLogEntry.action)
                                         .where(AuditLogEntry.actor_id == auth.a.user_ids["support"])).all())
        assert {("customer", "create"), ("deal", "create"), ("lead", "update")} <= audited


def test_convert_refused(desk, client, auth):
    fresh = desk.lead()
    refused = desk.send("POST", f"/api/leads/{fresh['id']}/convert", {})
    assert refused.status_code == 409
    assert desk.get(f"/api/leads/{fresh['id']}").get_json()["data"]["status"] == "new"
    assert desk.get("/api/deals").get_json()["meta"]["total"] == 0
    assert desk.send("POST", f"/api/leads/{fresh['id']}/convert", {}, role="technician").status_code == 403
    theirs = Desk(client, auth.b).lead(status="qualified")
    assert desk.send("POST", f"/api/leads/{theirs['id']}/convert", {}).status_code == 404

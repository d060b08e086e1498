"""Issues: CRUD, PUT against PATCH, numbering, resolve and reopen, stats, DRF lists, tenancy, roles, audit."""
import re

import pytest
from sqlalchemy import select

from models.core import context
from models.core.audit import AuditLogEntry
from models.core.db import db
from models.core.local_time import local_date
from models.core.numbering import next_number
from models.crm.issue import create_issue
from models.identity import Organization
from tests.support.crm import Desk
from tests.support.exports import csv_rows, exported

STATUSES = ("open", "in_progress", "resolved", "closed")


@pytest.fixture
def desk(client, auth):
    return Desk(client, auth.a)


@pytest.fixture
def vendor(desk):
    return desk.vendor()


def _year(app, org_id):
    with app.app_context(), context.acting_as(organization_id=org_id):
        return local_date(db.session.get(Organization, org_id).timezone).year


def _in(desk, vendor, status):
    """An issue of `vendor` in `status`, got there by writes."""
    issue = desk.issue(vendor["id"])
    if status != "open":
        assert desk.send("PATCH", f"/api/issues/{issue['id']}", {"status": status}).status_code == 200
    return issue


def test_crud_with_nested_links(desk, vendor, auth):
    support = auth.a.user_ids["support"]
    order = desk.order()
    issue = desk.issue(vendor["id"], assigned_to=support, order=order["id"])
    assert re.fullmatch(r"ISS-\d{4}-0001", issue["issue_number"])
    assert issue["vendor"] == {"id": vendor["id"], "name": "Harbor Plumbing Co."}
    assert issue["assigned_to"] == {"id": support, "name": "Alpha Support"} and issue["order"] == {"id": order["id"], "name": order["order_number"]}
    assert issue["created_by"]["id"] == support and issue["resolved_by"] is None and issue["resolved_at"] is None
    assert (issue["status"], issue["priority"], issue["category"]) == ("open", "high", "quality")
    assert issue["created_at"] and issue["updated_at"]
    item = desk.get("/api/issues/").get_json()["data"][0]
    assert item["vendor_name"] == "Harbor Plumbing Co." and item["assigned_to_name"] == "Alpha Support"
    assert "vendor" not in item and "assigned_to" not in item
    assert desk.get(f"/api/issues/{issue['id']}/").get_json()["data"]["title"] == "Leaking valve after repair"
    assert desk.send("DELETE", f"/api/issues/{issue['id']}/").status_code == 204
    assert desk.get(f"/api/issues/{issue['id']}").status_code == 404
    assert desk.get("/api/issues").get_json()["meta"]["total"] == 0


def test_defaults(desk, vendor):
    issue = desk.send("POST", "/api/issues", {"title": "Invoice twice", "vendor": vendor["id"]}).get_json()["data"]
    assert (issue["priority"], issue["category"], issue["status"]) == ("medium", "other", "open")


def test_put_replaces_and_patch_edits(desk, vendor):
    issue = desk.issue(vendor["id"], resolution_notes="pending parts")
    patched = desk.send("PATCH", f"/api/issues/{issue['id']}/", {"priority": "critical"}).get_json()["data"]
    assert patched["priority"] == "critical" and patched["description"] == issue["description"]
    assert patched["issue_number"] == issue["issue_number"]
    put = desk.send("PUT", f"/api/issues/{issue['id']}/", {"title": "Valve", "vendor": vendor["id"]}).get_json()["data"]
    assert put["title"] == "Valve" and put["description"] is None and put["resolution_notes"] is None
    assert (put["priority"], put["category"], put["status"]) == ("medium", "other", "open")
    assert put["issue_number"] == issue["issue_number"]
    missing = desk.send("PUT", f"/api/issues/{issue['id']}/", {"title": "Valve"})
    assert missing.status_code == 422 and "vendor" in missing.get_json()["error"]["details"]
    assert desk.send("PATCH", f"/api/issues/{issue['id']}", {}).status_code == 422


@pytest.mark.parametrize("body", [{"priority": "urgent"}, {"category": "legal"}, {"status": "done"}, {"title": ""},
                                  {"issue_number": "ISS-2020-0001"}, {"resolved_by": 1}, {"vendor": "3"},
                                  {"order": 0}, {"title": "x" * 201}])
def test_bad_fields_are_422(desk, vendor, body):
    answer = desk.send("POST", "/api/issues", {"title": "X", "vendor": vendor["id"], **body})
    assert answer.status_code == 422


def test_sending_the_number_is_422_on_writes_too(desk, vendor):
    issue = desk.issue(vendor["id"])
    refused = desk.send("PATCH", f"/api/issues/{issue['id']}", {"issue_number": "ISS-2020-0009"})
    assert refused.status_code == 422 and "issue_number" in refused.get_json()["error"]["details"]
    assert desk.get(f"/api/issues/{issue['id']}").get_json()["data"]["issue_number"] == issue["issue_number"]


def test_numbers_per_organization_and_year_without_gaps(desk, vendor, client, auth, app):
    year = _year(app, auth.a.org_id)
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        next_number("ISS", year - 1)  # last year's count is its own
        next_number("ISS", year - 1)
        db.session.commit()
    mine = [desk.issue(vendor["id"])["issue_number"] for _ in range(3)]
    assert mine == [f"ISS-{year}-000{n}" for n in (1, 2, 3)]
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id, user_id=auth.a.user_ids["support"]):
        vendor_id = vendor["id"]
        create_issue({"title": "Rolled back", "vendor_id": vendor_id}, actor_id=None)  # drawn, then rolled back
        db.session.rollback()
    refused = desk.send("POST", "/api/issues", {"title": "X", "vendor": vendor["id"], "assigned_to": 0})
    assert refused.status_code == 422
    assert desk.issue(vendor["id"])["issue_number"] == f"ISS-{year}-0004"
    other = Desk(client, auth.b)
    assert other.issue(other.vendor()["id"])["issue_number"] == f"ISS-{_year(app, auth.b.org_id)}-0001"


@pytest.mark.parametrize("status", STATUSES)
def test_resolve_from_each_status(desk, vendor, auth, status):
    issue = _in(desk, vendor, status)
    answer = desk.send("POST", f"/api/issues/{issue['id']}/resolve/", {"resolution_notes": "Valve reseated"})
    if status in ("open", "in_progress"):
        assert answer.status_code == 200, answer.get_json()
        resolved = answer.get_json()["data"]
        assert resolved["status"] == "resolved" and resolved["resolution_notes"] == "Valve reseated"
        assert resolved["resolved_by"] == {"id": auth.a.user_ids["support"], "name": "Alpha Support"}
        assert resolved["resolved_at"]
    else:
        assert answer.status_code == 409
        error = answer.get_json()["error"]
        assert error["code"] == "INVALID_TRANSITION" and error["details"]["allowed"] == ["open", "in_progress"]
        assert desk.get(f"/api/issues/{issue['id']}").get_json()["data"]["status"] == status


@pytest.mark.parametrize("status", STATUSES)
def test_reopen_from_each_status(desk, vendor, status):
    issue = _in(desk, vendor, status)
    answer = desk.send("POST", f"/api/issues/{issue['id']}/reopen", {})
    if status in ("resolved", "closed"):
        assert answer.status_code == 200, answer.get_json()
        reopened = answer.get_json()["data"]
        assert reopened["status"] == "open" and reopened["resolved_by"] is None and reopened["resolved_at"] is None
    else:
        assert answer.status_code == 409
        assert answer.get_json()["error"]["details"]["allowed"] == ["resolved", "closed"]


def test_writes_of_status_follow_the_actions_rule(desk, vendor, auth):
    issue = desk.issue(vendor["id"])
    url = f"/api/issues/{issue['id']}"
    resolved = desk.send("PATCH", url, {"status": "resolved"}).get_json()["data"]
    assert resolved["resolved_by"]["id"] == auth.a.user_ids["support"] and resolved["resolved_at"]
    closed = desk.send("PATCH", url, {"status": "closed"}).get_json()["data"]
    assert closed["resolved_by"] == resolved["resolved_by"] and closed["resolved_at"] == resolved["resolved_at"]
    back = desk.send("PATCH", url, {"status": "in_progress"}).get_json()["data"]
    assert back["resolved_by"] is None and back["resolved_at"] is None
    created = desk.issue(vendor["id"], status="resolved")
    assert created["resolved_by"]["id"] == auth.a.user_ids["support"] and created["resolved_at"]


def test_stats_count_what_the_list_selects(desk, vendor):
    other = desk.vendor("Keystone Roofing")
    desk.issue(vendor["id"], "Leak", priority="high", category="quality")
    desk.issue(vendor["id"], "Late crew", priority="high", category="delivery", status="in_progress")
    desk.issue(vendor["id"], "Wrong invoice", priority="low", category="billing", status="closed")
    desk.issue(other["id"], "Roof leak", priority="high", category="quality")
    everything = desk.get("/api/issues/stats/").get_json()["data"]
    assert everything["total"] == 4 and everything["by_status"] == {"open": 2, "in_progress": 1, "resolved": 0,
                                                                   "closed": 1}
    assert everything["by_category"] == {"quality": 2, "delivery": 1, "billing": 1, "communication": 0,
                                         "technical": 0, "other": 0}
    for query in (f"vendor={vendor['id']}&priority=high", "search=leak", "status=open,closed&category=quality"):
        rows = desk.get(f"/api/issues?{query}&per_page=100").get_json()["data"]
        stats = desk.get(f"/api/issues/stats?{query}").get_json()["data"]
        assert stats["total"] == len(rows) > 0
        for field, name in (("status", "by_status"), ("priority", "by_priority"), ("category", "by_category")):
            assert stats[name] == {value: sum(r[field] == value for r in rows) for value in stats[name]}
    assert desk.get(f"/api/issues/stats?vendor={vendor['id']}&priority=high").get_json()["data"]["total"] == 2
    assert desk.get("/api/issues/stats?priority=urgent").status_code == 422


def test_filters_sorts_and_drf_spellings(desk, vendor, auth):
    mine = auth.a.user_ids["admin"]
    for n, priority in enumerate(("low", "critical", "medium", "high", "low", "high")):
        desk.issue(vendor["id"], f"Pump fault {n}", priority=priority, assigned_to=mine if n % 2 else None)
    titles = lambda path: [i["title"] for i in desk.get(path).get_json()["data"]]  # noqa: E731
    drf = titles("/api/issues/?search=pump&ordering=-created_at&page_size=5")
    assert len(drf) == 5 and drf == titles("/api/v1/issues?q=pump&sort=-created_at&per_page=5")
    assert titles(f"/api/issues?assigned_to={mine}&sort=title") == ["Pump fault 1", "Pump fault 3", "Pump fault 5"]
    assert titles(f"/api/issues?assigned_to_id={mine}&sort=title") == titles(f"/api/issues?assigned_to={mine}&sort=title")
    priorities = [i["priority"] for i in desk.get("/api/issues?sort=-priority,title").get_json()["data"]]
    assert priorities == ["critical", "high", "high", "medium", "low", "low"]
    number = desk.get("/api/issues?sort=issue_number").get_json()["data"][2]["issue_number"]
    assert titles(f"/api/issues?search={number}") == ["Pump fault 2"]
    assert titles("/api/issues?priority=critical,medium&sort=title") == ["Pump fault 1", "Pump fault 2"]
    assert desk.get("/api/issues?order=999999").status_code == 422
    assert desk.get("/api/issues?sort=vendor").status_code == 422


def test_another_organizations_ids(desk, vendor, client, auth):
    other = Desk(client, auth.b)
    their_vendor = other.vendor("Theirs")
    theirs = other.issue(their_vendor["id"])
    for method, path in (("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/resolve"), ("POST", "/reopen")):
        body = {"title": "X"} if method == "PATCH" else ({} if method == "POST" else None)
        assert desk.send(method, f"/api/issues/{theirs['id']}{path}", body).status_code == 404
    for field, ident in (("vendor", their_vendor["id"]), ("assigned_to", auth.b.user_ids["admin"])):
        refused = desk.send("POST", "/api/issues", {"title": "X", "vendor": vendor["id"], field: ident})
        assert refused.status_code == 422 and field in refused.get_json()["error"]["details"]
        assert desk.get(f"/api/issues?{field}={ident}").status_code == 422
        assert desk.get(f"/api/issues?{field}_id={ident}").status_code == 422
        assert desk.get(f"/api/issues/stats?{field}={ident}").status_code == 422


def test_roles(desk, vendor):
    issue = desk.issue(vendor["id"])
    url = f"/api/issues/{issue['id']}"
    for role in ("technician", "customer", "dispatcher"):
        assert desk.send("POST", "/api/issues", {"title": "X", "vendor": vendor["id"]}, role=role).status_code == 403
        assert desk.send("PATCH", url, {"title": "X"}, role=role).status_code == 403
        assert desk.send("DELETE", url, role=role).status_code == 403
        assert desk.send("POST", f"{url}/resolve", {}, role=role).status_code == 403
    for role in ("technician", "customer"):
        assert desk.send("GET", "/api/issues", role=role).status_code == 403
    for path in ("/api/issues", url, "/api/issues/stats"):
        assert desk.send("GET", path, role="dispatcher").status_code == 200
    assert desk.get(url).get_json()["data"]["status"] == "open"


def test_audit_rows_name_the_actor(desk, vendor, app, auth):
    issue = desk.issue(vendor["id"])
    desk.send("PATCH", f"/api/issues/{issue['id']}", {"priority": "low"})
    desk.send("POST", f"/api/issues/{issue['id']}/resolve", {})
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        rows = db.session.execute(select(AuditLogEntry.action, AuditLogEntry.actor_id, AuditLogEntry.after)
                                  .where(AuditLogEntry.entity_type == "issue",
                                         AuditLogEntry.entity_id == str(issue["id"]))
                                  .order_by(AuditLogEntry.id)).all()
    assert [row.action for row in rows] == ["create", "update", "update"]
    assert {row.actor_id for row in rows} == {auth.a.user_ids["support"]}
    assert rows[1].after["priority"] == "low" and rows[2].after["status"] == "resolved"
    assert rows[2].after["resolved_by_id"] == auth.a.user_ids["support"]


def test_the_export_names_vendor_and_assignee(desk, vendor, client, auth, worker):
    desk.issue(vendor["id"], "Leak", priority="high", assigned_to=auth.a.user_ids["dispatcher"])
    desk.issue(vendor["id"], "Late crew", priority="low")
    Desk(client, auth.b).issue(Desk(client, auth.b).vendor("Theirs")["id"], priority="high")
    rows = csv_rows(exported(client, auth.a, "issues", priority=["high"])[1])
    assert [(r["title"], r["vendor_name"], r["assigned_to_name"]) for r in rows] == [
        ("Leak", "Harbor Plumbing Co.", "Alpha Dispatcher")]
    assert rows[0]["issue_number"].startswith("ISS-") and rows[0]["status"] == "open"

"""Projects, technicians, customers, status options and the dashboard."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from models.dispatch import Job
from tests.support.dispatch import Board


@pytest.fixture
def board(client, auth):
    return Board(client, auth.a)


def test_project_list_item_and_progress(board):
    customer = board.customer()
    project = board.project(customer["id"])
    empty = board.project(customer["id"], "Empty Project")
    tech = board.technician()
    jobs = [board.job(customer["id"], f"Job {i}", project_id=project["id"]) for i in range(3)]
    for job in jobs[:2]:
        board.assign(job["id"], tech["id"])
        board.move(job["id"], "in_progress")
        board.move(job["id"], "completed")
    listed = {p["id"]: p for p in board.get("/api/v1/projects").get_json()["data"]}
    assert listed[project["id"]] == {
        "id": project["id"], "name": "Office Renovation", "customer_id": customer["id"], "customer_name": "ABC Corp",
        "status": "active", "start_date": "2024-01-01", "end_date": "2024-06-30", "total_jobs": 3,
        "completed_jobs": 2, "progress_percentage": 66, "total_value": 150000.0,
    }
    assert listed[empty["id"]]["progress_percentage"] == 0 and listed[empty["id"]]["total_jobs"] == 0
    detail = board.get(f"/api/v1/projects/{project['id']}").get_json()["data"]
    assert sorted(j["id"] for j in detail["jobs"]) == sorted(j["id"] for j in jobs)
    assert detail["jobs"][0]["customer_name"] == "ABC Corp"


def test_project_rules(board, auth, client):
    foreign_customer = Board(client, auth.b).customer("Foreign")
    r = board.client.post("/api/v1/projects", headers=board.headers,
                          json={"name": "X", "customer_id": foreign_customer["id"]})
    assert r.status_code == 404
    customer = board.customer()
    r = board.client.post("/api/v1/projects", headers=board.headers,
                          json={"name": "X", "customer_id": customer["id"], "start_date": "2024-05-01",
                                "end_date": "2024-01-01"})
    assert r.status_code == 422 and "end_date" in r.get_json()["error"]["details"]
    project = board.project(customer["id"])
    patched = board.client.patch(f"/api/v1/projects/{project['id']}", headers=board.headers, json={"status": "on_hold"})
    assert patched.get_json()["data"]["status"] == "on_hold"
    foreign_project = Board(client, auth.b).project(foreign_customer["id"])
    assert board.get(f"/api/v1/projects/{foreign_project['id']}").status_code == 404
    assert all(p["id"] != foreign_project["id"] for p in board.get("/api/v1/projects").get_json()["data"])


def test_technician_shape_filters_and_nearest_first(board):
    near = board.technician("Near Nina", skills=["Plumbing"])
    far = board.technician("Far Fred", skills=["HVAC"], status="busy")
    board.technician("Off Otto", status="offline")
    board.client.put(f"/api/v1/technicians/{near['id']}/location", headers=board.headers,
                     json={"lat": 40.7130, "lng": -74.0050})
    board.client.put(f"/api/v1/technicians/{far['id']}/location", headers=board.headers,
                     json={"lat": 40.80, "lng": -73.95})
    listed = board.get("/api/v1/technicians?sort=name").get_json()["data"]
    nina = next(t for t in listed if t["id"] == near["id"])
    assert {k: nina[k] for k in ("name", "email", "phone", "status", "current_job_id", "skills", "location")} == {
        "name": "Near Nina", "email": "near@alpha.test", "phone": "+1234567890", "status": "available",
        "current_job_id": None, "skills": ["Plumbing"], "location": {"lat": 40.713, "lng": -74.005}}

    def names(query):
        return [t["name"] for t in board.get(f"/api/v1/technicians?{query}").get_json()["data"]]

    assert names("available=true") == ["Near Nina"]
    assert names("skill=plumbing") == ["Near Nina"]
    assert names("skill=hvac") == ["Far Fred", "Off Otto"]
    assert sorted(names("status=busy,offline")) == ["Far Fred", "Off Otto"]
    nearest = board.get("/api/v1/technicians?near=40.7128,-74.0060&radius_km=25").get_json()["data"]
    assert [t["name"] for t in nearest] == ["Near Nina", "Far Fred"]
    assert nearest[0]["distance_km"] < nearest[1]["distance_km"]
    assert names("near=40.7128,-74.0060&radius_km=1") == ["Near Nina"]
    assert board.get("/api/v1/technicians?near=north").status_code == 422


def test_technician_location_and_status_updates(board, auth, client):
    tech_user_record = board.technician("Terry Tech", user_id=auth.a.user_ids["technician"])
    other = board.technician("Other")
    technician = Board(client, auth.a, role="technician")
    mine = technician.client.put(f"/api/v1/technicians/{tech_user_record['id']}/location", headers=technician.headers,
                                 json={"lat": 1.5, "lng": 2.5})
    assert mine.status_code == 200 and mine.get_json()["data"]["location_updated_at"]
    assert technician.client.put(f"/api/v1/technicians/{other['id']}/location", headers=technician.headers,
                                 json={"lat": 1, "lng": 2}).status_code == 403
    assert board.client.put(f"/api/v1/technicians/{other['id']}/location", headers=board.headers,
                            json={"lat": 91, "lng": 2}).status_code == 422
    patched = board.client.patch(f"/api/v1/technicians/{other['id']}", headers=board.headers,
                                 json={"status": "on_break", "skills": ["Solar"]})
    assert patched.get_json()["data"]["status"] == "on_break" and patched.get_json()["data"]["skills"] == ["Solar"]
    duplicate_link = board.client.post("/api/v1/technicians", headers=board.headers,
                                       json={"name": "Dup", "user_id": auth.a.user_ids["technician"]})
    assert duplicate_link.status_code == 409  # a conflict with the existing link, not a malformed field
    foreign_user = board.client.post("/api/v1/technicians", headers=board.headers,
                                     json={"name": "Spy", "user_id": auth.b.user_ids["technician"]})
    assert foreign_user.status_code == 404


def test_customers_crud_search_and_tenancy(board, auth, client):
    acme = board.customer("Acme Heating", city="Boston")
    board.customer("Globex")
    assert [c["name"] for c in board.get("/api/v1/customers?q=acme").get_json()["data"]] == ["Acme Heating"]
    assert [c["name"] for c in board.get("/api/v1/customers?city=Boston").get_json()["data"]] == ["Acme Heating"]
    patched = board.client.patch(f"/api/v1/customers/{acme['id']}", headers=board.headers, json={"phone": "+1999"})
    assert patched.get_json()["data"]["phone"] == "+1999"
    assert Board(client, auth.b).get(f"/api/v1/customers/{acme['id']}").status_code == 404


def test_status_options_use_the_seed_colors(board):
    options = board.get("/api/v1/options/statuses").get_json()["data"]
    statuses = {o["value"]: o for o in options["job_statuses"]}
    assert set(statuses) == {"pending", "scheduled", "assigned", "en_route", "in_progress", "on_hold", "completed",
                             "cancelled"}
    assert statuses["pending"] == {"value": "pending", "label": "Pending", "color": "warning"}
    assert statuses["in_progress"] == {"value": "in_progress", "label": "In Progress", "color": "info"}
    assert statuses["completed"]["color"] == "success" and statuses["cancelled"]["color"] == "danger"
    assert options["priorities"] == [
        {"value": "low", "label": "Low", "color": "secondary"},
        {"value": "medium", "label": "Medium", "color": "warning"},
        {"value": "high", "label": "High", "color": "danger"},
        {"value": "urgent", "label": "Urgent", "color": "danger"}]


def test_dashboard_metrics_count_in_the_organization_timezone(board, db, auth, client):
    customer = board.customer()
    techs = [board.technician(f"Tech {i}") for i in range(3)]
    board.technician("Offline Olga", status="offline")
    jobs = [board.job(customer["id"], f"Job {i}", value=100 * (i + 1)) for i in range(4)]
    for job, tech in zip(jobs[:3], techs):
        board.assign(job["id"], tech["id"])
    board.move(jobs[0]["id"], "in_progress")
    board.move(jobs[0]["id"], "completed")  # 100, today
    board.move(jobs[1]["id"], "in_progress")
    board.move(jobs[1]["id"], "completed")  # 200, but we backdate it to yesterday below
    with db.engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == jobs[1]["id"])
                     .values(actual_end=datetime.now(timezone.utc) - timedelta(days=1, hours=1)))
    metrics = board.get("/api/v1/dashboard/metrics").get_json()["data"]
    assert metrics == {"active_jobs": 1, "online_teams": 3, "completed_today": 1, "revenue_today": 100.0}
    assert Board(client, auth.b).get("/api/v1/dashboard/metrics").get_json()["data"]["online_teams"] == 0

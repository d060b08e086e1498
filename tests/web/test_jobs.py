"""Jobs as the dispatch console and the technician app use them."""
import pytest
from sqlalchemy import text

from models.dispatch.job import NEEDS_TECHNICIAN, TRANSITIONS
from tests.support.dispatch import Board
from tests.support.waiting import count_queries
from web.conventions import count_cache


@pytest.fixture
def board(client, auth):
    return Board(client, auth.a)


@pytest.fixture
def tech_user_technician(board, auth):
    """The technician record of organization A's technician user."""
    return board.technician("Terry Tech", user_id=auth.a.user_ids["technician"])


def test_job_list_item_has_the_seed_fields(board):
    customer = board.customer()
    tech = board.technician()
    job = board.job(customer["id"])
    board.assign(job["id"], tech["id"])
    listed = board.get("/api/v1/jobs").get_json()
    assert listed["meta"] == {"total": 1, "per_page": 20, "current_page": 1, "last_page": 1}
    item = listed["data"][0]
    assert item == {
        "id": job["id"], "title": "HVAC Maintenance", "customer_id": customer["id"], "customer_name": "ABC Corp",
        "status": "assigned", "priority": "high", "technician_id": tech["id"], "technician_name": "John Smith",
        "scheduled_date": "2024-01-15", "location": "123 Main St", "estimated_duration": 120,
        "created_at": item["created_at"],
    }
    assert item["created_at"].endswith("Z")


def test_job_detail_has_the_seed_shape(board):
    customer = board.customer()
    tech = board.technician()
    job = board.job(customer["id"])
    board.assign(job["id"], tech["id"])
    board.client.post(f"/api/v1/jobs/{job['id']}/notes", headers=board.headers, json={"body": "Gate code 1234"})
    detail = board.get(f"/api/v1/jobs/{job['id']}").get_json()["data"]
    assert detail["customer"] == {"id": customer["id"], "name": "ABC Corp", "contact_person": "Jane Doe"}
    assert detail["technician"] == {"id": tech["id"], "name": "John Smith", "phone": "+1234567890"}
    assert detail["location"] == {"address": "123 Main St", "city": "New York", "coordinates": [40.7128, -74.006]}
    assert detail["schedule"] == {"scheduled_date": "2024-01-15", "estimated_duration": 120,
                                  "actual_start": None, "actual_end": None}
    assert [n["body"] for n in detail["notes"]] == ["Gate code 1234"]
    assert detail["notes"][0]["author"]["name"] == "Alpha Dispatcher" and detail["notes"][0]["created_at"]
    assert detail["attachments"] == []
    assert {"id", "title", "description", "status", "priority", "created_at", "updated_at"} <= set(detail)
    assert detail["value"] == 450.5 and detail["currency"] == "USD"


def test_every_allowed_transition_succeeds_and_others_are_409(board):
    customer = board.customer()
    tech = board.technician()
    for source, moves in TRANSITIONS.items():
        # A job that never had a technician (walked there without one) cannot be worked on.
        with_technician = "assigned" in PATHS[source]
        targets = [move for move in moves if with_technician or move not in NEEDS_TECHNICIAN]
        for target in ("pending", "scheduled", "assigned", "en_route", "in_progress", "on_hold", "completed",
                       "cancelled"):
            job = board.job(customer["id"])
            _walk_to(board, job["id"], source, tech["id"])
            r = board.move(job["id"], target)
            if target in targets:
                assert r.status_code == 200, (source, target, r.get_json())
                assert r.get_json()["data"]["status"] == target
            else:
                assert r.status_code == 409, (source, target)
                error = r.get_json()["error"]
                assert error["code"] == "INVALID_TRANSITION"
                assert error["details"]["allowed"] == targets
            if source == "in_progress":
                break  # enough samples of the forbidden moves; keeps the test quick


PATHS = {
    "pending": [], "scheduled": ["scheduled"], "assigned": ["assigned"], "en_route": ["assigned", "en_route"],
    "in_progress": ["assigned", "in_progress"], "on_hold": ["assigned", "on_hold"],
    "completed": ["assigned", "in_progress", "completed"], "cancelled": ["cancelled"],
}


def _walk_to(board, job_id, status, technician_id):
    for step in PATHS[status]:
        if step == "assigned":
            assert board.assign(job_id, technician_id).status_code == 200
        else:
            assert board.move(job_id, step).status_code == 200


def test_a_job_without_a_technician_cannot_be_assigned_or_worked_by_a_status_change(board):
    customer = board.customer()
    for path in ([], ["scheduled"]):
        job = board.job(customer["id"])
        for step in path:
            board.move(job["id"], step)
        for target in NEEDS_TECHNICIAN:
            r = board.move(job["id"], target)
            assert r.status_code == 409 and r.get_json()["error"]["code"] == "INVALID_TRANSITION"
            assert "assigned" not in r.get_json()["error"]["details"]["allowed"]
        assert board.get(f"/api/v1/jobs/{job['id']}").get_json()["data"]["status"] == (path or ["pending"])[-1]


def test_work_sets_actual_times_occupies_the_technician_and_writes_history(board):
    customer, tech = board.customer(), board.technician()
    job = board.job(customer["id"])
    board.assign(job["id"], tech["id"])
    started = board.move(job["id"], "in_progress", reason="on site").get_json()["data"]
    assert started["schedule"]["actual_start"] is not None and started["schedule"]["actual_end"] is None
    technician = board.get(f"/api/v1/technicians/{tech['id']}").get_json()["data"]
    assert technician["status"] == "busy" and technician["current_job_id"] == job["id"]
    board.move(job["id"], "on_hold")
    resumed = board.move(job["id"], "in_progress").get_json()["data"]
    assert resumed["schedule"]["actual_start"] == started["schedule"]["actual_start"]  # only the first start counts
    done = board.move(job["id"], "completed").get_json()["data"]
    assert done["schedule"]["actual_end"] is not None
    technician = board.get(f"/api/v1/technicians/{tech['id']}").get_json()["data"]
    assert technician["status"] == "available" and technician["current_job_id"] is None
    history = board.get(f"/api/v1/jobs/{job['id']}/history").get_json()["data"]
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "pending"), ("pending", "assigned"), ("assigned", "in_progress"), ("in_progress", "on_hold"),
        ("on_hold", "in_progress"), ("in_progress", "completed")]
    assert history[2]["reason"] == "on site" and history[2]["actor_id"] == board.tenant.user_ids["dispatcher"]
    assert board.move(job["id"], "pending").status_code == 409  # completed is final


def test_assignment_rules(board, auth, client):
    customer = board.customer()
    tech, other = board.technician(), board.technician("Ada Lovelace")
    offline = board.technician("Olly Offline", status="offline")
    job = board.job(customer["id"])
    r = board.assign(job["id"], offline["id"])
    assert r.status_code == 409 and board.get(f"/api/v1/jobs/{job['id']}").get_json()["data"]["technician"] is None
    foreign = Board(client, auth.b).technician("Foreign Tech")
    assert board.assign(job["id"], foreign["id"]).status_code == 404
    assert board.assign(job["id"], 999999).status_code == 404

    assigned = board.assign(job["id"], tech["id"]).get_json()["data"]
    assert assigned["status"] == "assigned" and assigned["technician"]["id"] == tech["id"]
    reassigned = board.assign(job["id"], other["id"]).get_json()["data"]
    assert reassigned["technician"]["id"] == other["id"] and reassigned["status"] == "assigned"
    unassigned = board.assign(job["id"], None).get_json()["data"]
    assert unassigned["technician"] is None and unassigned["status"] == "pending"

    scheduled = board.job(customer["id"])
    board.move(scheduled["id"], "scheduled")
    assert board.assign(scheduled["id"], tech["id"]).get_json()["data"]["status"] == "assigned"
    board.move(scheduled["id"], "en_route")
    r = board.assign(scheduled["id"], other["id"])  # work has started: finish or park it first
    assert r.status_code == 409


def test_cached_totals_follow_every_change(board):
    customer = board.customer()
    jobs = [board.job(customer["id"], f"Job {i}") for i in range(3)]
    assert board.get("/api/v1/jobs").get_json()["meta"]["total"] == 3
    assert board.get("/api/v1/jobs?status=scheduled").get_json()["meta"]["total"] == 0
    board.move(jobs[0]["id"], "scheduled")
    assert board.get("/api/v1/jobs?status=scheduled").get_json()["meta"]["total"] == 1
    board.client.delete(f"/api/v1/jobs/{jobs[1]['id']}", headers=board.headers)
    assert board.get("/api/v1/jobs").get_json()["meta"]["total"] == 2


def test_an_aged_total_is_recounted_by_one_caller_while_the_others_answer_with_it(board, db, redis_client,
                                                                                   monkeypatch):
    customer = board.customer()
    jobs = [board.job(customer["id"], f"Job {i}") for i in range(3)]
    assert board.get("/api/v1/jobs").get_json()["meta"]["total"] == 3
    with db.engine.begin() as conn:  # bulk SQL: no ORM write, so no new generation; only the TTL catches it
        conn.execute(text("UPDATE jobs SET deleted_at = CURRENT_TIMESTAMP WHERE id = :id"), {"id": jobs[0]["id"]})
    assert board.get("/api/v1/jobs").get_json()["meta"]["total"] == 3  # still fresh

    monkeypatch.setattr(count_cache, "TTL_SECONDS", 0)  # every stored total is now too old
    [key] = [k for k in redis_client.keys("listcount:jobs:*") if not k.endswith(b":recount")]
    redis_client.set(key + b":recount", 1)  # another request is already recounting it
    assert board.get("/api/v1/jobs").get_json()["meta"]["total"] == 3
    redis_client.delete(key + b":recount")
    assert board.get("/api/v1/jobs").get_json()["meta"]["total"] == 2  # this one recounts


def test_deep_pages_keep_order_and_shape(board, monkeypatch):
    from web.conventions import listing

    customer = board.customer()
    for i in range(7):
        board.job(customer["id"], f"Job {i}")
    shallow = [j["title"] for j in board.get("/api/v1/jobs?per_page=2&page=3").get_json()["data"]]
    monkeypatch.setattr(listing, "DEFERRED_JOIN_OFFSET", 0)  # take the deep-page path at page 3
    deep = board.get("/api/v1/jobs?per_page=2&page=3").get_json()["data"]
    assert [j["title"] for j in deep] == shallow and deep[0]["customer_name"] == "ABC Corp"


def test_list_filters_search_sort_and_pagination(board):
    acme, globex = board.customer("Acme Heating"), board.customer("Globex")
    tech = board.technician()
    urgent = board.job(acme["id"], "Boiler leak", priority="urgent", scheduled_date="2024-02-01",
                       address="9 Elm Road")
    routine = board.job(globex["id"], "Filter change", priority="low", scheduled_date="2024-03-01")
    board.job(globex["id"], "Thermostat", priority="medium", scheduled_date="2024-04-01")
    board.assign(routine["id"], tech["id"])

    def ids(query):
        r = board.get(f"/api/v1/jobs?{query}")
        assert r.status_code == 200, r.get_json()
        return [j["id"] for j in r.get_json()["data"]]

    assert ids("status=assigned") == [routine["id"]]
    assert set(ids("status=pending,assigned")) == set(ids("")) and len(ids("")) == 3
    assert ids("priority=urgent") == [urgent["id"]]
    assert ids(f"technician_id={tech['id']}") == [routine["id"]]
    assert ids(f"customer_id={acme['id']}") == [urgent["id"]]
    assert len(ids("date_from=2024-02-15&date_to=2024-03-15")) == 1
    assert ids("q=acme") == [urgent["id"]]  # customer name
    assert ids("q=elm road") == [urgent["id"]]  # address
    assert ids("q=filter") == [routine["id"]]  # title
    assert ids("sort=-priority")[0] == urgent["id"]
    assert ids("sort=scheduled_date") == sorted(ids(""), key=lambda i: i)
    page = board.get("/api/v1/jobs?per_page=2&page=2").get_json()
    assert len(page["data"]) == 1 and page["meta"]["last_page"] == 2
    bad = board.get("/api/v1/jobs?status=flying")
    assert bad.status_code == 422 and "status" in bad.get_json()["error"]["details"]


def test_job_list_issues_a_fixed_number_of_queries(board, db):
    customer, tech = board.customer(), board.technician()
    for i in range(12):
        job = board.job(customer["id"], f"Job {i}")
        if i % 2:
            board.assign(job["id"], tech["id"])
    board.get("/api/v1/jobs")  # the total is cached after the first view; compare like with like
    counts = []
    for per_page in (2, 12):
        with count_queries(db.engine) as sent:
            assert len(board.get(f"/api/v1/jobs?per_page={per_page}").get_json()["data"]) == per_page
        counts.append(sent[0])
    assert counts[0] == counts[1] >= 2


def test_create_and_edit_validate_links_and_versions(board, auth, client):
    customer = board.customer()
    other_customer = board.customer("Other Co")
    project = board.project(customer["id"])
    foreign_customer = Board(client, auth.b).customer("Foreign")
    r = board.client.post("/api/v1/jobs", headers=board.headers, json={"title": "X", "customer_id": foreign_customer["id"]})
    assert r.status_code == 404
    r = board.client.post("/api/v1/jobs", headers=board.headers,
                          json={"title": "X", "customer_id": other_customer["id"], "project_id": project["id"]})
    assert r.status_code == 422 and "project_id" in r.get_json()["error"]["details"]
    job = board.job(customer["id"], project_id=project["id"])
    assert board.client.post("/api/v1/jobs", headers=board.headers, json={"title": "X", "customer_id": customer["id"],
                             "status": "completed"}).status_code == 422  # status moves only through the workflow
    edited = board.client.patch(f"/api/v1/jobs/{job['id']}", headers=board.headers,
                                json={"title": "Renamed", "version": job["version"]})
    assert edited.status_code == 200 and edited.get_json()["data"]["version"] == job["version"] + 1
    stale = board.client.patch(f"/api/v1/jobs/{job['id']}", headers=board.headers,
                               json={"title": "Lost update", "version": job["version"]})
    assert stale.status_code == 409
    assert board.get(f"/api/v1/jobs/{job['id']}").get_json()["data"]["title"] == "Renamed"


def test_delete_is_soft_and_hides_the_job(board):
    customer = board.customer()
    job = board.job(customer["id"])
    assert board.client.delete(f"/api/v1/jobs/{job['id']}", headers=board.headers).status_code == 204
    assert board.get(f"/api/v1/jobs/{job['id']}").status_code == 404
    assert board.get("/api/v1/jobs").get_json()["meta"]["total"] == 0


def test_other_organizations_jobs_are_404(board, auth, client):
    foreign = Board(client, auth.b)
    job = foreign.job(foreign.customer()["id"])
    for method, path, body in (("get", "", None), ("patch", "", {"title": "x"}), ("delete", "", None),
                               ("put", "/status", {"status": "scheduled"}), ("put", "/assign", {"technician_id": None}),
                               ("get", "/history", None), ("post", "/notes", {"body": "hi"})):
        r = getattr(client, method)(f"/api/v1/jobs/{job['id']}{path}", headers=board.headers, json=body)
        assert r.status_code == 404, (method, path)
    assert board.get("/api/v1/jobs").get_json()["meta"]["total"] == 0


def test_a_technician_sees_and_moves_only_their_jobs(board, auth, client, tech_user_technician):
    customer = board.customer()
    mine, theirs = board.job(customer["id"], "Mine"), board.job(customer["id"], "Theirs")
    board.assign(mine["id"], tech_user_technician["id"])
    board.assign(theirs["id"], board.technician("Someone Else")["id"])
    tech = Board(client, auth.a, role="technician")
    assert [j["id"] for j in tech.get("/api/v1/jobs").get_json()["data"]] == [mine["id"]]
    assert tech.get(f"/api/v1/jobs/{theirs['id']}").status_code == 404
    assert tech.move(theirs["id"], "en_route").status_code == 404
    assert tech.move(mine["id"], "en_route").status_code == 200
    assert tech.assign(mine["id"], None).status_code == 403
    assert tech.client.patch(f"/api/v1/jobs/{mine['id']}", headers=tech.headers, json={"title": "x"}).status_code == 403
    assert tech.client.post("/api/v1/jobs", headers=tech.headers,
                            json={"title": "x", "customer_id": customer["id"]}).status_code == 403
    assert tech.get("/api/v1/technicians").status_code == 403
    assert tech.get("/api/v1/customers").status_code == 403


def test_customers_cannot_use_dispatch_endpoints(board, auth, client):
    customer = Board(client, auth.a, role="customer")
    for path in ("/api/v1/jobs", "/api/v1/projects", "/api/v1/technicians", "/api/v1/customers",
                 "/api/v1/dashboard/metrics", "/api/v1/options/statuses"):
        assert customer.get(path).status_code == 403, path


def test_a_job_detail_is_one_statement_until_it_has_notes_and_photos(board, db):
    """Beyond the session check: the job with its customer, technician and currency, and whether it has notes
    and photos (the notes and the photos each one more)."""
    job = board.job(board.customer()["id"], "Quiet")
    board.get(f"/api/v1/jobs/{job['id']}")
    with count_queries(db.engine) as bare:
        detail = board.get(f"/api/v1/jobs/{job['id']}").get_json()["data"]
    assert detail["notes"] == [] and detail["attachments"] == []
    r = board.client.post(f"/api/v1/jobs/{job['id']}/notes", headers=board.headers, json={"body": "Gate code 4411"})
    assert r.status_code == 201, r.get_json()
    with count_queries(db.engine) as noted:
        detail = board.get(f"/api/v1/jobs/{job['id']}").get_json()["data"]
    assert [n["body"] for n in detail["notes"]] == ["Gate code 4411"]
    assert noted[0] == bare[0] + 1

"""Lists as clients page through them: by number or by keyset cursor, with the same rows in the
same order; and query parameters no list or route declares are refused, not ignored."""
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl

import pytest

from models.dispatch.job import Job
from models.dispatch.job_list import JOBS
from tests.support.dispatch import Board
from tests.support.waiting import count_queries

JOBS_URL = "/api/v1/jobs"
PRIORITIES = ("low", "medium", "high", "urgent")
STATUS_MOVES = ([], ["scheduled"], ["cancelled"])


@pytest.fixture
def board(client, auth):
    return Board(client, auth.a)


@pytest.fixture
def jobs(board, db):
    """17 jobs with ties on every sort key: few titles, priorities and statuses, dates and values
    (some missing), and creation and update times shared in threes."""
    customer = board.customer()
    created = []
    for n in range(17):
        fields = {"priority": PRIORITIES[n % 4], "scheduled_date": None if n % 5 == 0 else f"2024-02-{n % 3 + 1:02d}",
                  "value": None if n % 4 == 1 else 100 + n % 2}
        job = board.job(customer["id"], title=f"Job {'ABC'[n % 3]}", **fields)
        for status in STATUS_MOVES[n % 3]:
            assert board.move(job["id"], status).status_code == 200
        created.append(job["id"])
    moment = datetime(2024, 3, 1, tzinfo=timezone.utc)
    jobs_table = Job.__table__  # through the column types: SQLite keeps timestamps as text in one format
    with db.engine.begin() as conn:
        for n, job_id in enumerate(created):
            at = moment + timedelta(minutes=n // 3)
            conn.execute(jobs_table.update().where(jobs_table.c.id == job_id).values(created_at=at, updated_at=at))
    return created


def numbered(board, query: str, per_page: int) -> list[int]:
    ids, page = [], 1
    while True:
        body = board.get(JOBS_URL, query_string={**parse_qs(query), "per_page": per_page, "page": page}).get_json()
        ids += [job["id"] for job in body["data"]]
        if page >= body["meta"]["last_page"]:
            return ids
        page += 1


def by_cursor(board, query: str, per_page: int) -> list[int]:
    ids, cursor = [], ""  # an empty cursor asks for the first page
    while True:
        r = board.get(JOBS_URL, query_string={**parse_qs(query), "per_page": per_page, "cursor": cursor})
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        assert set(body["meta"]) == {"per_page", "next_cursor", "has_more"}
        assert len(body["data"]) <= per_page
        ids += [job["id"] for job in body["data"]]
        if not body["meta"]["has_more"]:
            assert body["meta"]["next_cursor"] is None
            return ids
        cursor = body["meta"]["next_cursor"]


def parse_qs(query: str) -> dict:
    return dict(parse_qsl(query))


SORTS = [spelled for name in JOBS.sortable for spelled in (name, f"-{name}")] + [
    "-scheduled_date,title", "priority,-value", "status,created_at"]


@pytest.mark.parametrize("sort", SORTS)
def test_cursor_pages_hold_the_rows_of_the_numbered_pages_in_the_same_order(board, jobs, sort):
    numbered_ids = numbered(board, f"sort={sort}", per_page=4)
    assert sorted(numbered_ids) == sorted(jobs)
    assert by_cursor(board, f"sort={sort}", per_page=4) == numbered_ids
    assert by_cursor(board, f"sort={sort}", per_page=5) == numbered_ids


def test_the_default_sort_and_filters_page_alike_by_cursor(board, jobs):
    assert by_cursor(board, "q=job", per_page=3) == numbered(board, "q=job", per_page=3)
    filtered = numbered(board, "status=pending,scheduled&priority=low,high", per_page=2)
    assert 0 < len(filtered) < len(jobs)
    assert by_cursor(board, "status=pending,scheduled&priority=low,high", per_page=2) == filtered


def test_a_cursor_page_costs_the_same_queries_at_any_depth_and_counts_nothing(board, jobs, db):
    first = board.get(f"{JOBS_URL}?per_page=2&cursor=").get_json()
    with count_queries(db.engine) as at_start:
        board.get(f"{JOBS_URL}?per_page=2&cursor=")
    cursor = first["meta"]["next_cursor"]
    for _ in range(5):
        cursor = board.get(JOBS_URL, query_string={"per_page": 2, "cursor": cursor}).get_json()["meta"]["next_cursor"]
    with count_queries(db.engine) as deep:
        board.get(JOBS_URL, query_string={"per_page": 2, "cursor": cursor})
    assert deep[0] == at_start[0]


def error_details(response, status=422) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    return error["details"]


def test_a_tampered_cursor_is_422(board, jobs):
    cursor = board.get(f"{JOBS_URL}?per_page=2&cursor=").get_json()["meta"]["next_cursor"]
    payload, signature = cursor.rsplit(".", 1)
    for forged in (payload[:-1] + ("A" if payload[-1] != "A" else "B") + "." + signature,
                   payload + "." + signature[::-1], "not-a-cursor", cursor + "x"):
        details = error_details(board.get(JOBS_URL, query_string={"cursor": forged}))
        assert list(details) == ["cursor"]


def test_a_cursor_made_for_one_sort_is_refused_with_another(board, jobs):
    cursor = board.get(f"{JOBS_URL}?sort=title&per_page=2&cursor=").get_json()["meta"]["next_cursor"]
    assert board.get(JOBS_URL, query_string={"sort": "title", "cursor": cursor}).status_code == 200
    for other in ({"sort": "-title"}, {"sort": "title,priority"}, {}):
        details = error_details(board.get(JOBS_URL, query_string={**other, "cursor": cursor}))
        assert "sort=title" in details["cursor"][0]


def test_cursor_and_page_together_are_422(board, jobs):
    assert "cursor" in error_details(board.get(f"{JOBS_URL}?cursor=&page=2"))


@pytest.mark.parametrize("path", ["/api/v1/jobs?stauts=pending", "/api/v1/customers?citty=Boston",
                                  "/api/v1/users?is_actve=true", "/api/v1/admin/audit-log?actorid=1",
                                  "/api/v1/technicians?skills=HVAC", "/api/v1/admin/jobs?state=failed"])
def test_an_unknown_query_parameter_of_a_list_is_422_naming_it(client, auth, path):
    details = error_details(client.get(path, headers=auth.a.headers("owner")))
    assert list(details) == [path.split("?")[1].split("=")[0]]


def test_a_route_without_query_parameters_refuses_any(board, auth, client):
    job = board.job(board.customer()["id"])
    headers = auth.a.headers("owner")
    for path in (f"/api/v1/jobs/{job['id']}?expand=notes", "/api/v1/admin/roles?page=2", "/api/v1/auth/me?_=1700000000"):
        details = error_details(client.get(path, headers=headers))
        assert list(details) == [path.split("?")[1].split("=")[0]]
    details = error_details(client.put(f"/api/v1/jobs/{job['id']}/status?force=true", headers=headers,
                                       json={"status": "scheduled"}))
    assert list(details) == ["force"]
    assert board.get(f"/api/v1/jobs/{job['id']}").get_json()["data"]["status"] == "pending"
    assert client.get("/api/v1/jobs/1?x=1").status_code == 401  # who asks is checked first


def test_the_common_list_parameters_pass(board, jobs):
    for query in ("page=2&per_page=5&sort=-created_at&q=Job", "cursor=&per_page=5&sort=title&q=Job"):
        assert board.get(f"{JOBS_URL}?{query}").status_code == 200, query


def test_the_drf_spellings_give_the_same_rows_as_ours(board, jobs):
    customer = board.get(JOBS_URL).get_json()["data"][0]["customer_id"]
    ours = board.get(f"{JOBS_URL}?q=Job&sort=-created_at&per_page=5&customer_id={customer}").get_json()
    drf = board.get(f"/api/jobs/?search=Job&ordering=-created_at&page_size=5&customer={customer}").get_json()
    assert drf["data"] == ours["data"] and drf["meta"] == ours["meta"] and ours["meta"]["per_page"] == 5
    for both in ("q=a&search=a", "sort=title&ordering=title", "per_page=5&page_size=5",
                 f"customer={customer}&customer_id={customer}"):
        assert board.get(f"{JOBS_URL}?{both}").status_code == 422, both


def test_the_aliases_are_in_the_document(client):
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/jobs"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"] if "name" in p}  # not the shared $refs
    assert {"search", "ordering", "page_size", "customer", "technician", "project"} <= set(parameters)
    assert parameters["search"]["description"].startswith("same as `q`")


LISTS = {"vendors": "/api/v1/admin/vendors", "notifications": "/api/v1/admin/notifications",  # else /api/v1/<resource>
         "bookings": "/api/v1/admin/bookings", "refunds": "/api/v1/admin/refunds", "reviews": "/api/v1/admin/reviews",
         "takedown_requests": "/api/v1/admin/reviews/takedown-requests"}


def test_an_export_takes_the_filters_of_its_list_by_the_same_names(client, auth):
    spec = client.get("/api/v1/openapi.json").get_json()
    catalog = client.get("/api/v1/admin/exports/resources", headers=auth.a.headers("owner")).get_json()["data"]
    for entry in catalog:
        parameters = {p["name"]: p for p in spec["paths"][LISTS.get(entry["resource"], f"/api/v1/{entry['resource']}")]["get"]["parameters"] if "name" in p}
        for export_filter in entry["filters"]:
            assert export_filter["name"] in parameters, (entry["resource"], export_filter["name"])
            assert parameters[export_filter["name"]]["description"].startswith(export_filter["description"])


def test_lists_take_the_filters_their_exports_had(board):
    board.customer("Dated Co")
    board.technician("Sam Skill", skills=["Plumbing"])
    assert board.get("/api/v1/customers?created_from=2000-01-01&created_to=9999-12-31").get_json()["meta"]["total"] == 1
    assert board.get("/api/v1/customers?created_from=9999-12-31").get_json()["meta"]["total"] == 0
    assert board.get("/api/v1/technicians?skill=plumbing").get_json()["meta"]["total"] == 1
    assert board.get("/api/v1/technicians?skill=plumb%25").get_json()["meta"]["total"] == 0  # no wildcards

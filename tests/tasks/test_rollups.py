"""Dispatch rollups: the daily numbers analytics read equal a direct
count of the jobs, per local day of each organization, by day, week and month;
beat and the on-demand refresh (a real worker) keep them so; nothing leaks
between organizations."""
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from models.analytics import DISPATCH, DispatchDailyMetric, rollups
from models.core import context
from models.core.db import as_utc
from models.core.local_time import local_date
from models.dispatch.job import Job, JobStatusHistory
from models.identity import Organization
from tasks.analytics import refresh_rollups
from tests.support.dispatch import Board
from tests.support.waiting import wait_for

ALPHA_TZ = "America/New_York"  # daylight saving starts 2024-03-10 07:00 UTC
RANGE = ("2024-02-26", "2024-03-17")  # Monday to Sunday, three ISO weeks over a month's end
MEASURES = ("jobs_created", "jobs_completed", "jobs_cancelled", "value_completed")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class History:
    """One organization's jobs made through the API, then moved to chosen instants of the past."""

    def __init__(self, client, tenant, db):
        self.client, self.tenant, self.db = client, tenant, db
        self.board = Board(client, tenant)
        self.customer = self.board.customer()["id"]
        self.technician = self.board.technician()["id"]

    def _backdate(self, stmt):
        with self.db.engine.begin() as conn:
            conn.execute(stmt)

    def job(self, created: str, value: float = 100.0) -> int:
        job_id = self.board.job(self.customer, value=value)["id"]
        self._backdate(update(Job).where(Job.id == job_id).values(created_at=utc(created)))
        return job_id

    def move(self, job_id: int, status: str):
        response = self.board.move(job_id, status)
        assert response.status_code == 200, response.get_json()

    def complete(self, job_id: int, at: str) -> None:
        assert self.board.assign(job_id, self.technician).status_code == 200
        self.move(job_id, "in_progress")
        self.move(job_id, "completed")
        self._backdate(update(Job).where(Job.id == job_id).values(actual_end=utc(at)))

    def cancel(self, job_id: int, at: str) -> None:
        self.move(job_id, "cancelled")
        with context.acting_as(organization_id=self.tenant.org_id):
            latest = self.db.session.scalar(select(func.max(JobStatusHistory.id)).where(
                JobStatusHistory.job_id == job_id, JobStatusHistory.to_status == "cancelled"))
        self.db.session.rollback()
        self._backdate(update(JobStatusHistory).where(JobStatusHistory.id == latest).values(created_at=utc(at)))

    def delete(self, job_id: int) -> None:
        assert self.client.delete(f"/api/v1/jobs/{job_id}", headers=self.board.headers).status_code in (200, 204)


@pytest.fixture
def histories(client, auth, db):
    """Alpha (New York) and Bravo (UTC) with jobs created, completed, cancelled and deleted
    across a month's end and a daylight saving change, some at the same instants."""
    db.session.execute(update(Organization).where(Organization.id == auth.a.org_id).values(timezone=ALPHA_TZ))
    db.session.commit()
    alpha, bravo = History(client, auth.a, db), History(client, auth.b, db)

    j1 = alpha.job("2024-02-28T15:00:00Z", value=100)
    alpha.complete(j1, "2024-03-01T04:30:00Z")  # 23:30 on Feb 29 in New York
    alpha.job("2024-03-01T03:00:00Z")  # 22:00 on Feb 29 in New York; stays pending
    j3 = alpha.job("2024-03-01T12:00:00Z")
    alpha.cancel(j3, "2024-03-04T16:00:00Z")
    j4 = alpha.job("2024-03-10T06:59:00Z", value=250.25)  # 01:59 EST
    alpha.complete(j4, "2024-03-10T07:30:00Z")  # 03:30 EDT, the same local day
    j5 = alpha.job("2024-03-11T03:30:00Z")  # 23:30 EDT on Mar 10
    alpha.cancel(j5, "2024-03-11T03:45:00Z")
    alpha.move(j5, "pending")
    alpha.cancel(j5, "2024-03-12T14:00:00Z")
    alpha.delete(alpha.job("2024-03-05T10:00:00Z", value=5000))
    j7 = alpha.job("2024-03-12T04:30:00Z", value=99.99)  # 00:30 EDT on Mar 12
    alpha.complete(j7, "2024-03-13T03:59:00Z")  # 23:59 EDT on Mar 12

    b1 = bravo.job("2024-03-01T03:00:00Z", value=1000)
    bravo.complete(b1, "2024-03-10T07:30:00Z")
    bravo.cancel(bravo.job("2024-03-10T06:59:00Z"), "2024-03-10T08:00:00Z")
    return {"alpha": alpha, "bravo": bravo, "j3": j3, "j4": j4}


def direct_count(db, org_id: int, tz_name: str) -> dict[date, dict]:
    """Per local day, straight from the jobs and their history (live jobs only)."""
    tz = ZoneInfo(tz_name)

    def local(moment):
        return as_utc(moment).astimezone(tz).date()

    db.session.rollback()
    with context.acting_as(organization_id=org_id):
        jobs = db.session.execute(select(Job.id, Job.created_at, Job.status, Job.actual_end, Job.value)).all()
        cancellations = db.session.execute(select(JobStatusHistory.job_id, JobStatusHistory.created_at)
                                           .where(JobStatusHistory.to_status == "cancelled")).all()
    db.session.rollback()
    days = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    for job in jobs:
        days[local(job.created_at)]["jobs_created"] += 1
        if job.status == "completed":
            days[local(job.actual_end)]["jobs_completed"] += 1
            days[local(job.actual_end)]["value_completed"] += float(job.value)
    live = {job.id for job in jobs}
    for job_id, day in {(job_id, local(at)) for job_id, at in cancellations if job_id in live}:
        days[day]["jobs_cancelled"] += 1
    return days


def each_day(first: str, last: str):
    day = date.fromisoformat(first)
    while day <= date.fromisoformat(last):
        yield day
        day += timedelta(days=1)


def read(client, tenant, interval="day", first=RANGE[0], last=RANGE[1], role="admin"):
    response = client.get(f"/api/v1/admin/analytics/dispatch?from={first}&to={last}&interval={interval}",
                          headers=tenant.headers(role))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def measures(point: dict) -> dict:
    return {m: point[m] for m in MEASURES}


def expected_points(counts, bucket, first=RANGE[0], last=RANGE[1]) -> dict[str, dict]:
    points = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    for day in each_day(first, last):
        for measure, value in counts[day].items():
            points[bucket(day).isoformat()][measure] += value
    return {period: {**values, "value_completed": round(values["value_completed"], 2)}
            for period, values in points.items()}


def refresh(org_id: int, db):
    rollups.refresh(DISPATCH, org_id, *map(date.fromisoformat, RANGE))
    db.session.commit()


def test_rollup_numbers_equal_a_direct_count_per_local_day(client, auth, db, histories):
    refresh(auth.a.org_id, db)
    refresh(auth.b.org_id, db)

    for tenant, tz in ((auth.a, ALPHA_TZ), (auth.b, "UTC")):
        counts = direct_count(db, tenant.org_id, tz)
        series = read(client, tenant)
        assert [point["period"] for point in series["points"]] == [d.isoformat() for d in each_day(*RANGE)]
        assert {p["period"]: measures(p) for p in series["points"]} == expected_points(counts, lambda day: day)
        assert series["timezone"] == tz and series["currency"] == "USD"
        assert {p["currency"] for p in series["points"]} == {"USD"}

    alpha = {p["period"]: measures(p) for p in read(client, auth.a)["points"]}
    # What a New York dispatcher saw happen on those days, whatever Bravo did at the same instants.
    assert alpha["2024-02-29"] == {"jobs_created": 1, "jobs_completed": 1, "jobs_cancelled": 0, "value_completed": 100}
    assert alpha["2024-03-10"] == {"jobs_created": 2, "jobs_completed": 1, "jobs_cancelled": 1,
                                   "value_completed": 250.25}
    assert alpha["2024-03-12"] == {"jobs_created": 1, "jobs_completed": 1, "jobs_cancelled": 1,
                                   "value_completed": 99.99}
    assert read(client, auth.a)["totals"] == {"jobs_created": 6, "jobs_completed": 3, "jobs_cancelled": 3,
                                              "value_completed": 450.24, "currency": "USD"}
    assert read(client, auth.b)["totals"] == {"jobs_created": 2, "jobs_completed": 1, "jobs_cancelled": 1,
                                              "value_completed": 1000, "currency": "USD"}


def test_weeks_and_months_sum_their_days(client, auth, db, histories):
    refresh(auth.a.org_id, db)
    counts = direct_count(db, auth.a.org_id, ALPHA_TZ)

    weekly = read(client, auth.a, "week", "2024-02-28", "2024-03-13")
    assert [p["period"] for p in weekly["points"]] == ["2024-02-26", "2024-03-04", "2024-03-11"]
    assert {p["period"]: measures(p) for p in weekly["points"]} == expected_points(
        counts, lambda day: day - timedelta(days=day.weekday()), "2024-02-28", "2024-03-13")

    monthly = read(client, auth.a, "month", "2024-01-15", "2024-04-30")
    assert [p["period"] for p in monthly["points"]] == ["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"]
    assert {p["period"]: measures(p) for p in monthly["points"]} == expected_points(
        counts, lambda day: day.replace(day=1), "2024-01-15", "2024-04-30")
    assert monthly["points"][0] == {"period": "2024-01-01", "jobs_created": 0, "jobs_completed": 0,
                                    "jobs_cancelled": 0, "value_completed": 0, "currency": "USD"}


def metric_rows(db) -> int:
    return db.session.scalar(select(func.count()).select_from(DispatchDailyMetric).execution_options(all_tenants=True))


def test_refresh_is_idempotent_and_follows_corrections(client, auth, db, histories):
    refresh(auth.a.org_id, db)
    first = read(client, auth.a)
    rows = metric_rows(db)
    refresh(auth.a.org_id, db)
    assert read(client, auth.a)["points"] == first["points"]
    assert metric_rows(db) == rows

    histories["alpha"].delete(histories["j3"])  # its creation day and its cancellation day are now empty
    refresh(auth.a.org_id, db)
    after = {p["period"]: measures(p) for p in read(client, auth.a)["points"]}
    assert after == expected_points(direct_count(db, auth.a.org_id, ALPHA_TZ), lambda day: day)
    assert after["2024-03-01"]["jobs_created"] == 0 and after["2024-03-04"]["jobs_cancelled"] == 0
    assert metric_rows(db) == rows - 2


def test_ranges_default_to_the_last_30_days_and_bad_ones_are_refused(client, auth):
    headers = auth.a.headers("dispatcher")  # dispatchers read analytics too
    data = client.get("/api/v1/admin/analytics/dispatch", headers=headers).get_json()["data"]
    today = local_date("UTC")
    assert (data["from"], data["to"], data["interval"]) == ((today - timedelta(days=29)).isoformat(),
                                                            today.isoformat(), "day")
    assert len(data["points"]) == 30 and data["totals"]["jobs_created"] == 0

    def status(query):
        return client.get(f"/api/v1/admin/analytics/dispatch?{query}", headers=headers)

    reversed_range = status("from=2024-03-02&to=2024-03-01")
    assert reversed_range.status_code == 422 and "from" in reversed_range.get_json()["error"]["details"]
    assert status("from=2022-01-01&to=2024-12-31").status_code == 422  # three years of days
    assert status("from=2022-01-01&to=2024-12-31&interval=month").status_code == 200
    assert status("interval=year").status_code == 422
    assert status("from=2024-13-01").status_code == 422
    assert client.get("/api/v1/admin/analytics/dispatch", headers=auth.a.headers("technician")).status_code == 403


def test_beat_refreshes_today_and_yesterday_of_every_organization(client, auth, db, celery_app):
    alpha, bravo = Board(client, auth.a), Board(client, auth.b)
    for board, jobs in ((alpha, 2), (bravo, 1)):
        customer = board.customer()["id"]
        for _ in range(jobs):
            board.job(customer)
    assert {entry["task"] for entry in celery_app.conf.beat_schedule.values()} >= {"analytics.refresh_rollups"}

    assert refresh_rollups() == {"organizations": 2, "failed": []}

    today = local_date("UTC").isoformat()
    assert read(client, auth.a, first=today, last=today)["totals"]["jobs_created"] == 2
    assert read(client, auth.b, first=today, last=today)["totals"]["jobs_created"] == 1


def test_on_demand_refresh_runs_on_a_worker_and_reports_its_job(client, auth, db, histories, worker):
    headers = auth.a.headers("admin")
    started = client.post("/api/v1/admin/analytics/refresh", headers=headers,
                          json={"from": RANGE[0], "to": RANGE[1]})
    assert started.status_code == 202, started.get_json()
    job_id = started.get_json()["data"]["job_id"]
    assert started.headers["Location"] == f"/api/v1/admin/jobs/{job_id}"

    def finished():
        job = client.get(f"/api/v1/admin/jobs/{job_id}", headers=headers).get_json()["data"]
        return job if job["status"] in ("succeeded", "failed") else None

    job = wait_for(finished, timeout=20)
    assert (job["status"], job["kind"], job["progress"]) == ("succeeded", "rollup", 100), job
    assert job["result"]["days"] == 21 and job["result"]["active_days"]["dispatch"] > 0
    series = read(client, auth.a)
    assert {p["period"]: measures(p) for p in series["points"]} == expected_points(
        direct_count(db, auth.a.org_id, ALPHA_TZ), lambda day: day)
    assert series["refreshed_at"].endswith("Z")
    assert read(client, auth.b)["totals"]["jobs_created"] == 0  # only the organization that asked

    refused = client.post("/api/v1/admin/analytics/refresh", headers=headers, json={"from": "2024-03-02",
                                                                                    "to": "2024-03-01"})
    assert refused.status_code == 422

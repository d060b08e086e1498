"""The demo dispatch board is consistent with the job workflow, so the console
and the technician app behave on it as on real data."""
import random
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from models.core import context
from models.core.db import as_utc
from models.crm.issue import CATEGORIES, PRIORITIES, STATUSES as ISSUE_STATUSES, Issue
from models.crm.activity import TYPES as ACTIVITY_TYPES, Activity
from models.dispatch import Customer, Job, JobStatusHistory, Project, Technician
from models.dispatch import project as projects
from models.dispatch.demo_catalog import SKILLS
from models.dispatch.demo_data import seed_dispatch
from models.dispatch.job import STATUSES, TRANSITIONS
from models.dispatch.project import ProjectStatusHistory
from models.identity import Organization, User
from models.vendors import Vendor
from models.identity.accounts import register
from web.cli import seed_demo

NOW = datetime(2026, 3, 10, 15, 30, tzinfo=timezone.utc)


def _all(db, stmt):
    return db.session.scalars(stmt.execution_options(all_tenants=True)).all()


def check_board(db, org_id, today, *, jobs, technicians):
    """The invariants of the workflow hold on every row; returns the jobs and technicians."""
    jobs_ = _all(db, select(Job).where(Job.organization_id == org_id))
    techs = {t.id: t for t in _all(db, select(Technician).where(Technician.organization_id == org_id))}
    projects = {p.id: p for p in _all(db, select(Project).where(Project.organization_id == org_id))}
    assert (len(jobs_), len(techs)) == (jobs, technicians)
    assert {j.status for j in jobs_} == set(STATUSES)
    assert {j.priority for j in jobs_} == {"low", "medium", "high", "urgent"}
    assert {t.status for t in techs.values()} == {"available", "busy", "on_break", "offline"}
    assert all(1 <= len(t.skills) <= 3 and set(t.skills) <= set(SKILLS) for t in techs.values())
    now = datetime.now(timezone.utc) + timedelta(seconds=1)
    for job in jobs_:
        assert abs((job.scheduled_date - today).days) <= 30
        assert 80 <= job.value <= 5000 and 30 <= job.estimated_duration <= 480
        if job.status in ("assigned", "en_route", "in_progress", "on_hold", "completed"):
            assert job.service_type in techs[job.technician_id].skills
        if job.status in ("pending", "scheduled"):
            assert job.technician_id is None
        if job.status in ("in_progress", "completed"):
            assert job.actual_start is not None
        elif job.status != "on_hold":
            assert job.actual_start is None
        assert (job.actual_end is not None) == (job.status == "completed")
        if job.actual_end is not None:
            assert job.actual_start < job.actual_end
        if job.project_id:
            assert projects[job.project_id].customer_id == job.customer_id
    under_way = {j.id: j for j in jobs_ if j.status in ("en_route", "in_progress")}
    busy = [t for t in techs.values() if t.status == "busy"]
    assert len(busy) == len(under_way)  # one job under way per technician, and it is their current one
    for tech in busy:
        assert under_way[tech.current_job_id].technician_id == tech.id
    assert all(t.current_job_id is None for t in techs.values() if t.status != "busy")

    steps = defaultdict(list)  # every job got where it is through allowed moves, in time order
    for row in _all(db, select(JobStatusHistory).where(JobStatusHistory.organization_id == org_id)
                    .order_by(JobStatusHistory.id)):
        steps[row.job_id].append(row)
    for job in jobs_:
        rows = steps[job.id]
        assert (rows[0].from_status, rows[0].to_status) == (None, "pending")
        assert rows[-1].to_status == job.status
        for before, after in zip(rows, rows[1:]):
            assert after.from_status == before.to_status and after.to_status in TRANSITIONS[before.to_status]
            assert as_utc(before.created_at) <= as_utc(after.created_at) <= now
        assert job.created_at == rows[0].created_at and job.updated_at == rows[-1].created_at
        if job.actual_start is not None:
            assert any(r.to_status == "in_progress" and r.created_at == job.actual_start for r in rows)
    return jobs_, techs


def test_seed_demo_builds_a_consistent_board_once(db):
    assert seed_demo() is True
    assert seed_demo() is False
    org = db.session.scalar(select(Organization).where(Organization.slug == "acme-field-services"))
    today = datetime.now(timezone.utc).astimezone(ZoneInfo("America/New_York")).date()
    jobs, techs = check_board(db, org.id, today, jobs=500, technicians=20)
    assert len(_all(db, select(Customer).where(Customer.organization_id == org.id))) == 50
    assert len(_all(db, select(Project).where(Project.organization_id == org.id))) == 10
    assert sum(1 for j in jobs if j.project_id) > 20

    tech_user = db.session.scalar(select(User).where(User.email == "tech@demo.fieldops.test")
                                  .execution_options(all_tenants=True))
    linked = [t for t in techs.values() if t.user_id == tech_user.id]
    assert len(linked) == 1 and linked[0].email == tech_user.email
    assert sum(1 for j in jobs if j.technician_id == linked[0].id and j.status == "assigned") >= 3
    check_issues(db, org.id)
    check_activities(db, org.id)


def check_issues(db, org_id):
    """40 issues with the demo vendors over the last 90 days, numbered in time order; the resolved
    and closed ones say who resolved them, when (after they were raised) and how."""
    issues = _all(db, select(Issue).where(Issue.organization_id == org_id).order_by(Issue.created_at))
    vendors = {v.id for v in _all(db, select(Vendor).where(Vendor.organization_id == org_id))}
    assert len(issues) == 40 and {i.vendor_id for i in issues} <= vendors
    assert {i.status for i in issues} == set(ISSUE_STATUSES) and {i.priority for i in issues} == set(PRIORITIES)
    assert len({i.category for i in issues}) == len(CATEGORIES)
    now = datetime.now(timezone.utc)
    assert all(timedelta(0) <= now - as_utc(i.created_at) <= timedelta(days=90) for i in issues)
    assert sorted(i.issue_number[4:] for i in issues) == [i.issue_number[4:] for i in issues]
    for issue in issues:
        settled = issue.status in ("resolved", "closed")
        assert (issue.resolved_at is not None) == settled == (issue.resolution_notes is not None)
        assert not settled or (issue.resolved_by_id and as_utc(issue.created_at) <= as_utc(issue.resolved_at))


def check_activities(db, org_id):
    """150 activities of every type, from 90 days back to 14 ahead, most past ones done, some overdue."""
    activities = _all(db, select(Activity).where(Activity.organization_id == org_id))
    now = datetime.now(timezone.utc)
    past = [a for a in activities if as_utc(a.scheduled_at) < now]
    assert len(activities) == 150 and {a.activity_type for a in activities} == set(ACTIVITY_TYPES)
    assert all(now - timedelta(days=90) <= as_utc(a.scheduled_at) <= now + timedelta(days=14) for a in activities)
    assert sum(a.status == "completed" for a in past) > len(past) / 2
    assert any(a.status in ("scheduled", "in_progress") for a in past)  # overdue
    assert all(a.customer_id or a.lead_id or a.deal_id for a in activities)
    assert all((a.completed_at is not None) == (a.status == "completed") for a in activities)


@pytest.mark.parametrize("local_time", ["00:20", "07:45", "13:10", "23:55"])
def test_the_board_holds_at_any_time_of_day(db, local_time):
    tz = ZoneInfo("America/Los_Angeles")
    hour, minute = map(int, local_time.split(":"))
    now = datetime(2026, 7, 1, hour, minute, tzinfo=tz).astimezone(timezone.utc)
    if now > datetime.now(timezone.utc):  # seeded times are in the past of the real clock too
        now -= timedelta(days=(now - datetime.now(timezone.utc)).days + 1)
    org, _ = register(organization_name="Clock", name="Owner", email="owner@clock.test", password="long-enough-1",
                      timezone="America/Los_Angeles")
    seed_dispatch(org.id, rng=random.Random(hour * 60 + minute), technicians=12, customers=20, projects=4,
                  jobs=300, now=now)
    db.session.commit()
    check_board(db, org.id, now.astimezone(tz).date(), jobs=300, technicians=12)


def test_the_domain_takes_over_from_seeded_data(db):
    assert seed_demo()
    org_id = db.session.scalar(select(Organization.id).where(Organization.slug == "acme-field-services"))
    with context.acting_as(organization_id=org_id):
        tech = db.session.scalars(select(Technician).where(Technician.status == "busy")).first()
        job = db.session.get(Job, tech.current_job_id)
        if job.status == "en_route":
            job.move_to("in_progress", actor_id=None)
        job.move_to("completed", actor_id=None)
        db.session.commit()
        assert (tech.status, tech.current_job_id, job.actual_end is not None) == ("available", None, True)


def test_same_seed_same_board(db):
    orgs = []
    for name in ("Seed One", "Seed Two"):
        org, _ = register(organization_name=name, name="Owner", email=f"owner@{name[-3:]}.test",
                          password="long-enough-1", timezone="America/Chicago")
        counts = seed_dispatch(org.id, rng=random.Random(7), technicians=5, customers=8, projects=2, jobs=60, now=NOW)
        assert counts["jobs"] == 60
        orgs.append(org.id)
    db.session.commit()

    def board(org_id):
        return _all(db, select(Job.title, Job.status, Job.priority, Job.scheduled_date, Job.value, Job.actual_start)
                    .where(Job.organization_id == org_id).order_by(Job.id))

    assert board(orgs[0]) == board(orgs[1])
    dates = _all(db, select(func.min(Job.scheduled_date)).where(Job.organization_id == orgs[0]))
    assert dates[0] >= (NOW - timedelta(days=31)).date()


def test_seeded_projects_have_a_history_along_their_workflow(db):
    org, _ = register(organization_name="Projects", name="Owner", email="owner@projects.test",
                      password="long-enough-1", timezone="UTC")
    seed_dispatch(org.id, rng=random.Random(3), technicians=12, customers=20, projects=8, jobs=40, now=NOW)
    db.session.commit()
    steps = defaultdict(list)
    for row in _all(db, select(ProjectStatusHistory).where(ProjectStatusHistory.organization_id == org.id)
                    .order_by(ProjectStatusHistory.id)):
        steps[row.project_id].append(row)
    seeded = _all(db, select(Project).where(Project.organization_id == org.id))
    assert len(seeded) == 8 and set(steps) == {p.id for p in seeded}
    for project in seeded:
        first, *moves = steps[project.id]
        assert first.from_status is None and first.to_status in projects.INITIAL_STATUSES
        for before, after in zip([first, *moves], moves):
            assert after.from_status == before.to_status and after.to_status in projects.TRANSITIONS[before.to_status]
            assert as_utc(after.created_at) >= as_utc(before.created_at)
        assert (moves or [first])[-1].to_status == project.status


def test_a_small_crew_leaves_work_no_one_can_do_pending(db):
    """Three technicians cannot hold every skill twelve projects ask for: those jobs wait, unassigned."""
    org, _ = register(organization_name="Small Crew", name="Owner", email="owner@small.test",
                      password="long-enough-1", timezone="UTC")
    counts = seed_dispatch(org.id, rng=random.Random(11), technicians=3, customers=10, projects=12, jobs=120,
                           now=NOW)
    db.session.commit()
    assert counts["jobs"] == 120
    jobs = _all(db, select(Job).where(Job.organization_id == org.id))
    assert any(job.status == "pending" for job in jobs)
    assert all(job.technician_id is not None for job in jobs if job.status in ("assigned", "en_route", "in_progress"))


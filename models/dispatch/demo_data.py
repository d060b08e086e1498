"""Demo dispatch data: a believable board for one organization (customers,
technicians with skills, projects, jobs in every status with their history).

Rows go in with bulk inserts, which keeps 100k jobs (scripts/bench) fast; the
workflow's invariants are kept by construction (models.dispatch.demo_rows):
jobs that are assigned, en route, in progress, on hold or completed have a
technician with the job's skill; in_progress and completed jobs have
actual_start, completed ones actual_end; a job under way occupies its
technician (busy, current_job_id) and no technician has two. Bulk inserts skip
the ORM: no audit rows and no domain events for seeded data."""
import random
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, select, update

from models.core import context
from models.core.db import db, utcnow
from models.dispatch import demo_catalog as cat
from models.dispatch.customer import Customer
from models.dispatch.demo_rows import OCCUPYING, Board, JobPlan, history_rows, pick_technician, project_history_rows
from models.dispatch.job import Job, JobStatusHistory
from models.dispatch.project import Project, ProjectStatusHistory
from models.dispatch.technician import Technician, TechnicianSkill
from models.identity import Organization

JOBS_PER_TECHNICIAN_PER_DAY = 3.5
SHOWCASE = ("en_route", "in_progress", "on_hold", "completed", "en_route", "in_progress")


def seed_dispatch(organization_id: int, *, rng: random.Random, technicians: int = 20, customers: int = 50,
                  projects: int = 10, jobs: int = 500, technician_users=(), days_back: int = 30,
                  days_ahead: int = 30, history: bool = True, batch_size: int = 5000,
                  now: datetime | None = None) -> dict:
    """Add a dispatch board to the organization; returns the counts written.

    `technician_users`: users (id, name, email, phone) who each get a technician
    record linked to them (the first ones), with a few jobs assigned to them.
    Runs in the caller's transaction; the caller commits."""
    users = list(technician_users)
    if technicians < max(1, len(users)) or customers < 1:
        raise ValueError("need at least one technician per linked user, and one customer")
    with context.acting_as(organization_id=organization_id):
        conn = db.session.connection()
        tz = db.session.scalar(select(Organization.timezone).where(Organization.id == organization_id))
        board = Board(rng, now=now or utcnow(), tz=tz or "UTC", days_back=days_back, days_ahead=days_ahead)
        org = {"organization_id": organization_id}

        def insert_rows(table, rows):
            stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            ids = []
            for i in range(0, len(rows), batch_size):
                ids += conn.execute(stmt, [{**org, **r} for r in rows[i:i + batch_size]]).scalars().all()
            return ids

        customer_rows = [board.customer_row() for _ in range(customers)]
        customer_ids = insert_rows(Customer.__table__, customer_rows)

        tech_rows, techs = zip(*(board.technician_row(i, users[i] if i < len(users) else None)
                                 for i in range(technicians)))
        tech_rows, techs = list(tech_rows), list(techs)
        tech_ids = insert_rows(Technician.__table__, tech_rows)
        conn.execute(insert(TechnicianSkill.__table__),
                     [{"technician_id": tech_ids[t.index], "skill": s} for t in techs for s in t.skills])

        project_rows, project_skills, project_customers = [], [], []
        companies = [i for i, r in enumerate(customer_rows) if r["name"] != r["contact_person"]] or [0]
        for _ in range(projects):
            c = rng.choice(companies)
            row, skills = board.project_row(customer_rows[c])
            project_rows.append({**row, "customer_id": customer_ids[c]})
            project_skills.append(skills)
            project_customers.append(c)
        project_ids = insert_rows(Project.__table__, project_rows)
        if history and project_ids:
            conn.execute(insert(ProjectStatusHistory.__table__), [
                step for row, project_id in zip(project_rows, project_ids)
                for step in project_history_rows(row, project_id, organization_id)])

        plans = _plan_jobs(board, jobs, techs, customer_rows, project_rows, project_skills, project_customers)
        job_rows = [{**p.row, "customer_id": customer_ids[p.customer],
                     "technician_id": tech_ids[p.technician] if p.technician is not None else None,
                     "project_id": project_ids[p.project] if p.project is not None else None} for p in plans]
        job_ids = insert_rows(Job.__table__, job_rows)

        written_history = 0
        if history:
            rows = []
            for plan, job_id in zip(plans, job_ids):
                rows += history_rows(plan, job_id, organization_id)
                if len(rows) >= batch_size:
                    conn.execute(insert(JobStatusHistory.__table__), rows)
                    written_history, rows = written_history + len(rows), []
            if rows:
                conn.execute(insert(JobStatusHistory.__table__), rows)
                written_history += len(rows)

        _settle_technicians(conn, board, techs, tech_rows, tech_ids, plans, job_rows, job_ids)
    return {"customers": len(customer_ids), "technicians": len(tech_ids), "projects": len(project_ids),
            "jobs": len(job_ids), "history": written_history,
            "busy_technicians": sum(1 for r in tech_rows if r["status"] == "busy")}


def _plan_jobs(board, count, techs, customer_rows, project_rows, project_skills, project_customers) -> list[JobPlan]:
    rng = board.rng
    by_skill = {s: [t for t in techs if s in t.skills] for s in cat.SKILLS}
    today_share = min(0.15, len(techs) * JOBS_PER_TECHNICIAN_PER_DAY / max(count, 1))
    plans = []
    for tech in techs:  # linked users first: a few jobs assigned to them, today and the next days
        for n in range(min(tech.pinned_jobs, count)):
            day = board.today + timedelta(days=n // 2)
            c = rng.randrange(len(customer_rows))
            plan = board.job(day=day, customer=c, customer_row=customer_rows[c], skill=rng.choice(tech.skills),
                             status="assigned")
            plan.technician = tech.index
            plans.append(plan)
    showcase = list(SHOWCASE) if count >= 10 * len(SHOWCASE) else []
    while len(plans) < count:
        status = showcase.pop(0) if showcase else None  # a board always shows work under way today
        day = board.today if status else board.scheduled_date(today_share)
        c, project, skill = rng.randrange(len(customer_rows)), None, rng.choice(cat.SKILLS)
        if project_rows and rng.random() < 0.3:
            candidates = [i for i, p in enumerate(project_rows)
                          if p["status"] not in ("planning", "cancelled") and p["start_date"] <= day <= p["end_date"]]
            if candidates:
                project = rng.choice(candidates)
                c, skill = project_customers[project], rng.choice(project_skills[project])
        if project is not None and project_rows[project]["status"] == "completed":
            status = "completed"  # a finished project's jobs are done (its dates lie in the past)
        plan = board.job(day=day, customer=c, customer_row=customer_rows[c], skill=skill, status=status)
        if any(to == "assigned" for _, to, _, _ in plan.steps):
            tech = pick_technician(rng, techs, by_skill, skill, plan.row["status"])
            if tech is None:  # nobody can start it now (all able are on a job, or half the crew is): it waits
                plan = board.job(day=day, customer=c, customer_row=customer_rows[c], skill=skill, status="assigned")
                tech = pick_technician(rng, techs, by_skill, skill, "assigned")
            if tech is None:  # no one in the crew has the skill: it waits for someone to be hired
                plan = board.job(day=day, customer=c, customer_row=customer_rows[c], skill=skill, status="pending")
            else:
                plan.technician = tech.index
                tech.occupied = tech.occupied or plan.row["status"] in OCCUPYING
        plan.project = project
        plans.append(plan)
    return plans


def _settle_technicians(conn, board, techs, tech_rows, tech_ids, plans, job_rows, job_ids) -> None:
    """A technician on a job under way is busy with it (and near it); the others idle."""
    current = {}
    for plan, row, job_id in zip(plans, job_rows, job_ids):
        if row["status"] in OCCUPYING and plan.technician is not None:
            current[plan.technician] = (job_id, row)
    changes, idle = [], 0
    for tech, row, tech_id in zip(techs, tech_rows, tech_ids):
        if tech.index in current:
            job_id, job = current[tech.index]
            here = job["status"] == "in_progress"
            row.update(status="busy", current_job_id=job_id,
                       lat=round(job["lat"] + (0 if here else board.rng.gauss(0, 0.02)), 6),
                       lng=round(job["lng"] + (0 if here else board.rng.gauss(0, 0.025)), 6))
        elif tech.pinned_jobs:
            row["status"] = "available"  # a linked user finds themselves ready for work
        else:
            row["status"], idle = cat.IDLE_TECHNICIAN_STATUSES[idle % len(cat.IDLE_TECHNICIAN_STATUSES)], idle + 1
        changes.append({"tid": tech_id, "status": row["status"], "current_job_id": row["current_job_id"],
                        "lat": row["lat"], "lng": row["lng"]})
    table = Technician.__table__
    stmt = update(table).where(table.c.id == bindparam("tid")).values(
        status=bindparam("status"), current_job_id=bindparam("current_job_id"), lat=bindparam("lat"),
        lng=bindparam("lng"))
    conn.execute(stmt, changes)

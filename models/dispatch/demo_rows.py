"""Rows of a believable dispatch board, as plain dicts ready for bulk inserts.

Pure functions of a seeded `random.Random`, "now" and the organization's time
zone: no database here (see models.dispatch.demo_data). Job rows respect the
workflow (models.dispatch.job.TRANSITIONS): each carries the path it took, so
history rows, actual_start/actual_end and the technician match its status."""
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from models.dispatch import demo_catalog as cat

# The path from `pending` (a job is created pending) to each status.
PATHS = {
    "pending": (), "scheduled": ("scheduled",), "assigned": ("assigned",), "en_route": ("assigned", "en_route"),
    "in_progress": ("assigned", "en_route", "in_progress"),
    "on_hold": ("assigned", "on_hold"), "on_hold_started": ("assigned", "in_progress", "on_hold"),
    "completed": ("assigned", "en_route", "in_progress", "completed"),
    "cancelled": ("cancelled",), "cancelled_assigned": ("assigned", "cancelled"),
}
# The path from `planning` (where a project starts) to each project status.
PROJECT_PATHS = {"planning": (), "active": ("active",), "on_hold": ("active", "on_hold"),
                 "completed": ("active", "completed"), "cancelled": ("cancelled",)}
WITH_TECHNICIAN = ("assigned", "en_route", "in_progress", "on_hold", "completed")
OCCUPYING = ("en_route", "in_progress")


def _pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def _minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


@dataclass
class Technician:
    """What job generation needs to know about a technician row."""

    index: int
    skills: tuple
    occupied: bool = False
    pinned_jobs: int = 0  # jobs reserved for it (a linked user's own board)


@dataclass
class JobPlan:
    row: dict
    steps: list = field(default_factory=list)  # [(from_status, to_status, at, reason)]
    technician: int | None = None  # index into the technician list
    project: int | None = None  # index into the project list
    customer: int = 0  # index into the customer list


class Board:
    def __init__(self, rng: random.Random, *, now: datetime, tz: str, days_back: int = 30, days_ahead: int = 30):
        self.rng, self.now, self.tz = rng, now.astimezone(timezone.utc), ZoneInfo(tz)
        self.today = self.now.astimezone(self.tz).date()
        self.days_back, self.days_ahead = days_back, days_ahead
        self._names: set[str] = set()

    # -- people and places ---------------------------------------------------
    def person(self) -> tuple[str, str]:
        return self.rng.choice(cat.FIRST_NAMES), self.rng.choice(cat.LAST_NAMES)

    def phone(self) -> str:
        return f"+1-{self.rng.choice(cat.AREA_CODES)}-555-{self.rng.randint(100, 199):04d}"

    def place(self, spread_km: float = 3.0) -> dict:
        city, lat, lng, _ = self.rng.choices(cat.AREAS, [a[3] for a in cat.AREAS])[0]
        unit = self.rng.choice(cat.UNITS)
        street = f"{self.rng.randint(1, 2400)} {self.rng.choice(cat.STREETS)}" + (f", {unit}" if unit else "")
        jitter = spread_km / 111.0
        return {"address": street, "city": city, "lat": round(lat + self.rng.gauss(0, jitter), 6),
                "lng": round(lng + self.rng.gauss(0, jitter * 1.3), 6)}

    def _stamp(self, days_ago_max: float) -> datetime:
        return self.now - timedelta(days=self.rng.uniform(1, days_ago_max))

    # -- customers, technicians, projects -----------------------------------
    def customer_row(self) -> dict:
        first, last = self.person()
        if self.rng.random() < 0.55:
            name = f"{self.rng.choice(cat.COMPANY_PREFIXES)} {self.rng.choice(cat.COMPANY_KINDS)}"
            if name in self._names:
                name = f"{name} #{len(self._names) + 1}"
            domain = re.sub(r"[^a-z0-9]+", "", name.lower().split("#")[0]) + ".example.com"
            email = f"{self.rng.choice(('info', 'office', 'facilities', 'admin'))}@{domain}"
        else:
            name = f"{first} {last}"
            email = f"{first}.{last}".lower().replace("'", "") + f"{self.rng.randint(1, 99)}@example.net"
        self._names.add(name)
        created = self._stamp(self.days_back + 365)
        return {"name": name, "contact_person": f"{first} {last}", "email": email, "phone": self.phone(),
                **{k: v for k, v in self.place().items() if k in ("address", "city")},
                "created_at": created, "updated_at": created}

    def technician_row(self, index: int, user=None) -> tuple[dict, Technician]:
        skills = [cat.SKILLS[index % len(cat.SKILLS)]]  # every skill is covered by someone
        skills += self.rng.sample([s for s in cat.SKILLS if s != skills[0]], self.rng.choice((0, 1, 1, 2)))
        first, last = self.person()
        name = user.name if user is not None else f"{first} {last}"
        email = user.email if user is not None else f"{first}.{last}".lower().replace("'", "") + f"{index}@crew.example.com"
        created = self._stamp(self.days_back + 700)
        pos = self.place(spread_km=6.0)
        row = {"user_id": user.id if user is not None else None, "name": name, "email": email,
               "phone": getattr(user, "phone", None) or self.phone(), "status": "available", "current_job_id": None,
               "lat": pos["lat"], "lng": pos["lng"], "location_updated_at": self.now - _minutes(self.rng.uniform(1, 90)),
               "created_at": created, "updated_at": created}
        return row, Technician(index, tuple(skills), pinned_jobs=4 if user is not None else 0)

    def project_row(self, customer: dict) -> tuple[dict, tuple]:
        kind, skills = self.rng.choice(cat.PROJECT_KINDS)
        status = _pick(self.rng, cat.PROJECT_STATUSES)
        if status == "planning":
            start = self.today + timedelta(days=self.rng.randint(-5, 30))
        elif status == "completed":
            start = self.today - timedelta(days=self.rng.randint(60, 200))
        else:
            start = self.today - timedelta(days=self.rng.randint(5, 120))
        end = start + timedelta(days=self.rng.randint(30, 180))
        if status == "completed":
            end = min(end, self.today - timedelta(days=self.rng.randint(1, 20)))
        created = datetime.combine(start, time(9), self.tz).astimezone(timezone.utc)
        created -= timedelta(days=self.rng.randint(3, 40))
        row = {"name": f"{customer['name']} {kind}", "status": status, "start_date": start, "end_date": end,
               "total_value": Decimal(self.rng.randrange(15_000, 250_000, 250)),
               "description": f"{kind} for {customer['name']}: {', '.join(skills[:3])} work in phases.",
               "created_at": min(created, self.now), "updated_at": min(created + timedelta(days=2), self.now)}
        return row, skills

    # -- jobs ----------------------------------------------------------------
    def scheduled_date(self, today_share: float) -> date:
        if self.rng.random() < today_share:
            return self.today
        offset = 0
        while offset == 0:
            offset = self.rng.randint(-self.days_back, self.days_ahead)
        return self.today + timedelta(days=offset)

    def job(self, *, day: date, customer: int, customer_row: dict, skill: str, status: str | None = None) -> JobPlan:
        rng = self.rng
        titles, (dmin, dmax), (mmin, mmax) = cat.SERVICES[skill]
        title = rng.choice(titles)
        duration = max(30, min(480, int(rng.triangular(dmin, dmax, dmin + (dmax - dmin) / 3)) // 15 * 15))
        materials = rng.uniform(mmin, mmax) if rng.random() < 0.6 else 0
        value = Decimal(str(round(min(5000, max(80, duration / 60 * rng.uniform(85, 160) + materials)), 2)))
        regime = "past" if day < self.today else "today" if day == self.today else (
            "soon" if (day - self.today).days <= 3 else "later")
        status = status or _pick(rng, cat.STATUS_WEIGHTS[regime])
        site = self.place(spread_km=2.5) if rng.random() < 0.5 or not customer_row.get("address") else {
            "address": customer_row["address"], "city": customer_row["city"], **self._near(customer_row)}
        start = datetime.combine(day, time(rng.randint(7, 16), rng.choice((0, 15, 30, 45))), self.tz)
        row = {"title": title, "description": f"{title} for {customer_row['name']}. {rng.choice(cat.DETAILS)}",
               "status": status, "priority": _pick(rng, cat.PRIORITIES), "service_type": skill,
               "scheduled_date": day, "estimated_duration": duration, **site, "value": value,
               "actual_start": None, "actual_end": None, "version": 1, "deleted_at": None}
        plan = JobPlan(row, customer=customer)
        self._timeline(plan, start.astimezone(timezone.utc), duration)
        return plan

    def _near(self, customer_row: dict) -> dict:
        area = next((a for a in cat.AREAS if a[0] == customer_row["city"]), cat.AREAS[0])
        return {"lat": round(area[1] + self.rng.gauss(0, 0.025), 6), "lng": round(area[2] + self.rng.gauss(0, 0.03), 6)}

    def _timeline(self, plan: JobPlan, start: datetime, duration: int) -> None:
        """Times for each move of the job's path; sets actual_start/actual_end, created_at, updated_at."""
        rng, now, row = self.rng, self.now, plan.row
        status = row["status"]
        key = status
        if status == "on_hold" and start < now and rng.random() < 0.5:
            key = "on_hold_started"
        if status == "cancelled" and rng.random() < 0.5:
            key = "cancelled_assigned"
        path = PATHS[key]
        at: dict[str, datetime] = {}
        if "in_progress" in path:
            began = start + _minutes(rng.uniform(-20, 60))
            if status == "in_progress":
                began = now - _minutes(rng.uniform(10, min(duration, 240)))
            ended = began + _minutes(duration * rng.uniform(0.75, 1.3))
            last = ended if status == "completed" else began + _minutes(rng.uniform(20, 120))
            if status != "in_progress" and last > now - _minutes(2):  # it must already have happened
                shift = last - (now - _minutes(rng.uniform(2, 90)))
                began, ended, last = began - shift, ended - shift, last - shift
            at["in_progress"] = began
            at["en_route"] = began - _minutes(rng.uniform(10, 45))
            if status == "completed":
                at["completed"] = ended
            elif status == "on_hold":
                at["on_hold"] = last
            row["actual_start"] = began
            row["actual_end"] = ended if status == "completed" else None
        elif status == "en_route":
            at["en_route"] = now - _minutes(rng.uniform(5, 45))
        horizon = min([start, now, *at.values()])
        created = horizon - timedelta(hours=rng.uniform(2, 24 * 20))
        previous, steps = created, [(None, "pending", created, "created")]
        for i, to in enumerate(path):
            when = at.get(to)
            if when is None:  # between the previous move and the next anchored one (or the job's start)
                bound = next((at[s] for s in path[i + 1:] if s in at), min(start, now))
                when = previous + (bound - previous) * rng.uniform(0.2, 0.8) if bound > previous else previous + _minutes(1)
            steps.append((steps[-1][1], to, when, "technician assigned" if to == "assigned" else None))
            previous = when
        plan.steps = steps
        row["created_at"], row["updated_at"] = created, steps[-1][2]


def pick_technician(rng: random.Random, technicians: list[Technician], by_skill: dict, skill: str,
                    status: str) -> Technician | None:
    """Someone with the skill; for a job under way, someone not already on one, while at
    least half the crew is free (None: nobody fits)."""
    candidates = by_skill[skill]
    if status in OCCUPYING:
        if sum(t.occupied for t in technicians) >= len(technicians) // 2:
            return None
        candidates = [t for t in candidates if not t.occupied]
    return rng.choice(candidates) if candidates else None


def history_rows(plan: JobPlan, job_id: int, organization_id: int) -> list[dict]:
    return [{"organization_id": organization_id, "job_id": job_id, "from_status": frm, "to_status": to,
             "actor_id": None, "reason": reason, "created_at": when} for frm, to, when, reason in plan.steps]


def project_history_rows(row: dict, project_id: int, organization_id: int) -> list[dict]:
    """The moves that brought a project to its status, spread between its creation and its last update."""
    statuses = ("planning", *PROJECT_PATHS[row["status"]])
    step = (row["updated_at"] - row["created_at"]) / len(statuses)
    return [{"organization_id": organization_id, "project_id": project_id,
             "from_status": statuses[i - 1] if i else None, "to_status": status, "actor_id": None,
             "reason": None if i else "created", "created_at": row["created_at"] + step * i}
            for i, status in enumerate(statuses)]

"""How the demo marketplace's bookings and refunds come about (models.marketplace.demo_data): each
booking planned as its life would have gone, from its creation to its status now, with the moves
WORKFLOW allows, at times that follow each other and never pass `now`."""
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from models.core.db import db
from models.core.money import round_half_up
from models.marketplace import demo_catalog as cat

WEEKDAY_BUSYNESS = (1.15, 1.1, 1.1, 1.05, 1.0, 0.8, 0.45)  # Monday first
PAID_SHARE = {"completed": 1.0, "in_progress": 1.0, "no_show": 0.8, "confirmed": 0.7, "pending": 0.25,
              "cancelled": 0.5}
SHOWCASE = ("in_progress", "in_progress", "no_show", "pending", "confirmed", "cancelled")
MINUTE = timedelta(minutes=1)


def insert_rows(table, rows: list[dict], batch_size: int = 2000) -> list[int]:
    """Insert `rows` in bulk; their new ids, in order."""
    conn, ids = db.session.connection(), []
    stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    for start in range(0, len(rows), batch_size):
        ids += conn.execute(stmt, rows[start:start + batch_size]).scalars().all()
    return ids


@dataclass
class Plan:
    service: dict
    consumer: dict
    created_at: datetime
    scheduled_at: datetime
    status: str = "pending"
    steps: list = field(default_factory=list)  # (from_status, to_status, actor_id, at)
    step_reasons: list = field(default_factory=list)
    payments: list = field(default_factory=list)
    payment_status: str = "unpaid"
    cancel_reason: str | None = None
    cancelled_by: int | None = None
    cancelled_at: datetime | None = None
    completed_at: datetime | None = None
    number: str | None = None
    id: int | None = None

    def step(self, target: str, actor: int | None, at: datetime, reason: str | None = None) -> None:
        self.steps.append((self.steps[-1][1] if self.steps else None, target, actor, at))
        self.step_reasons.append(reason)
        self.status = target

    def paid(self) -> dict | None:
        return next((p for p in self.payments if p["status"] == "succeeded"), None)

    @property
    def ends_at(self) -> datetime:
        return self.scheduled_at + timedelta(minutes=self.service["duration_minutes"])


class Calendar:
    """When bookings are made: more on recent days than long ago, fewer at weekends (local time)."""

    def __init__(self, now: datetime, days: int, tz_name: str):
        self.now, self.tz = now, ZoneInfo(tz_name)
        self.today = now.astimezone(self.tz).date()
        self.days = [self.today - timedelta(days=age) for age in range(days)]
        self.weights = [(0.45 + (days - age) / days) * WEEKDAY_BUSYNESS[day.weekday()]
                        for age, day in enumerate(self.days)]

    def at(self, day, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), self.tz).astimezone(self.now.tzinfo)

    def created(self, rng: random.Random) -> datetime:
        day = rng.choices(self.days, self.weights)[0]
        moment = self.at(day, rng.randint(7, 21), rng.randrange(60))
        return moment if moment < self.now else self.now - timedelta(minutes=rng.randrange(5, 300))


def plan_booking(rng: random.Random, n: int, calendar: Calendar, services: list[dict], people: list[dict],
                 vendor_users: dict, support_id: int, total: int) -> Plan:
    """The `n`th of `total` bookings: its first few show the rarer statuses under way."""
    now = calendar.now
    showcase = SHOWCASE[n] if n < len(SHOWCASE) and total >= 10 * len(SHOWCASE) else None
    suspended_since = now - timedelta(days=cat.SUSPENDED_FOR_DAYS)
    open_services = [s for s in services if s["vendor_status"] == "active"]
    consumer = rng.choices(people, [p["weight"] for p in people])[0]
    created = calendar.created(rng)
    if showcase in ("in_progress", "pending", "confirmed"):
        created = now - timedelta(days=rng.randrange(1, 6), hours=rng.randrange(1, 10))
    elif showcase == "no_show":
        created = now - timedelta(days=rng.randrange(8, 20), hours=rng.randrange(1, 10))
    service = rng.choices(services, [s["popularity"] for s in services])[0]
    if service["vendor_status"] != "active" and created > suspended_since:
        service = rng.choices(open_services, [s["popularity"] for s in open_services])[0]
    lead = rng.choices((0, 1, 2, 3, 4, 5, 7, 10, 14, 21, 30), (1, 4, 5, 5, 4, 3, 3, 2, 2, 1, 1))[0]
    local_day = created.astimezone(calendar.tz).date() + timedelta(days=lead)
    scheduled = calendar.at(local_day, rng.randint(8, 17), rng.choice((0, 30)))
    if scheduled < created + timedelta(hours=3):
        scheduled = calendar.at(local_day + timedelta(days=1), rng.randint(8, 12))
    if showcase == "in_progress":
        scheduled = now - timedelta(minutes=service["duration_minutes"] // 3)
    elif showcase in ("pending", "confirmed"):
        scheduled = calendar.at(calendar.today + timedelta(days=rng.randint(2, 6)), rng.randint(8, 17))
    elif showcase == "no_show":
        scheduled = calendar.at(created.astimezone(calendar.tz).date() + timedelta(days=3), rng.randint(8, 17))
    plan = Plan(service=service, consumer=consumer, created_at=created, scheduled_at=scheduled)
    plan.step("pending", consumer["id"], created, "created")  # as WORKFLOW.start writes it
    _live(plan, rng, showcase, vendor_users[service["vendor_id"]], support_id, now)
    _pay(plan, rng, now)
    return plan


def _target(plan: Plan, rng: random.Random, showcase: str | None, now: datetime) -> str:
    if showcase:
        return showcase
    roll = rng.random()
    if plan.ends_at < now:
        return "completed" if roll < 0.84 else "cancelled" if roll < 0.95 else "no_show"
    if plan.scheduled_at <= now:
        return "in_progress"
    return "pending" if roll < 0.4 else "confirmed" if roll < 0.9 else "cancelled"


def _live(plan: Plan, rng: random.Random, showcase, vendor_user: int, support_id: int, now: datetime) -> None:
    target = _target(plan, rng, showcase, now)
    created, scheduled = plan.created_at, plan.scheduled_at
    latest = min(scheduled, now)
    confirm_at = min(created + timedelta(minutes=rng.randrange(10, 360)), created + (latest - created) / 2)
    if target == "pending":
        return
    if target == "cancelled":
        if rng.random() < 0.5:
            plan.step("confirmed", vendor_user, confirm_at)
        since = plan.steps[-1][3]
        at = since + (latest - since) * rng.uniform(0.1, 0.9)
        by_consumer = rng.random() < 0.7
        actor = plan.consumer["id"] if by_consumer else support_id
        reason = rng.choice(cat.CANCELLATION_REASONS["consumer" if by_consumer else "staff"])
        plan.step("cancelled", actor, at, reason)
        plan.cancel_reason, plan.cancelled_by, plan.cancelled_at = reason, actor, at
        return
    plan.step("confirmed", vendor_user, confirm_at)
    if target == "confirmed":
        return
    if target == "no_show":
        plan.step("no_show", vendor_user, min(scheduled + timedelta(minutes=30), now - MINUTE))
        return
    plan.step("in_progress", vendor_user, min(scheduled + timedelta(minutes=rng.randrange(0, 12)), now - MINUTE))
    if target == "completed":
        done = plan.ends_at + timedelta(minutes=rng.randrange(-15, 40))
        done = min(max(done, plan.steps[-1][3] + 10 * MINUTE), now - MINUTE)
        plan.step("completed", vendor_user, done)
        plan.completed_at = done


def _method(rng: random.Random) -> str:
    methods, weights = zip(*cat.PAYMENT_METHODS)
    return rng.choices(methods, weights)[0]


def _pay(plan: Plan, rng: random.Random, now: datetime) -> None:
    """A payment for most bookings under way or done, some after a declined card."""
    created, deadline = plan.created_at, min(plan.cancelled_at or now, now)
    if rng.random() < 0.05:
        at = created + MINUTE
        if at < deadline:
            plan.payments.append({"method": "card", "status": "failed", "paid_at": None, "created_at": at,
                                  "failure_reason": rng.choice(cat.DECLINE_REASONS)})
    if rng.random() >= PAID_SHARE[plan.status]:
        return
    method = _method(rng)
    if method == "cash":
        if plan.status != "completed":
            method = "card"
        else:
            paid_at = plan.completed_at
    if method == "bank_transfer":
        paid_at = created + timedelta(hours=rng.randrange(18, 30))
        if paid_at >= deadline:
            method = "card"
    if method in ("card", "wallet"):
        paid_at = created + timedelta(minutes=rng.randrange(2, 15))
    if paid_at >= deadline:
        return
    plan.payments.append({"method": method, "status": "succeeded", "paid_at": paid_at, "created_at": paid_at,
                          "failure_reason": None})
    plan.payment_status = "paid"


# --- refunds -----------------------------------------------------------------

RECENT_ROLLS = (("requested", 0.5), ("approved", 0.2), ("processing", 0.15), ("succeeded", 0.15))
OLD_ROLLS = (("succeeded", 0.75), ("failed", 0.1), ("rejected", 0.15))


def _roll(rng: random.Random, rolls) -> str:
    statuses, weights = zip(*rolls)
    return rng.choices(statuses, weights)[0]


def refund_rows(org_id: int, plans: list[Plan], rng: random.Random, admin_id: int, support_id: int,
                now: datetime) -> tuple[list[dict], list]:
    """A refund of every paid cancelled booking (its whole payment), and of a few completed ones (a
    part, after a complaint); their statuses by age. Returns the rows and (plan, refunded amount)."""
    wanted = []
    for plan in plans:
        if plan.paid() is None:
            continue
        if plan.status == "cancelled":
            wanted.append((plan, plan.service["price"], plan.cancel_reason, plan.cancelled_by,
                           plan.cancelled_at + MINUTE))
        elif plan.status == "completed" and rng.random() < 0.03:
            at = plan.completed_at + timedelta(hours=rng.randrange(3, 72))
            if at < now:
                share = Decimal(rng.choice(("0.2", "0.25", "0.3", "0.5")))
                wanted.append((plan, round_half_up(plan.service["price"] * share), rng.choice(cat.COMPLAINT_REASONS),
                               rng.choice((plan.consumer["id"], support_id)), at))
    wanted.sort(key=lambda w: w[4])
    statuses = [_roll(rng, RECENT_ROLLS if now - w[4] < timedelta(days=5) else OLD_ROLLS) for w in wanted]
    # the newest show the ones still in flight: a few waiting for approval, one approved, one processing
    forced = ("requested", "requested", "requested", "approved", "processing")[:len(wanted)]
    for offset, status in enumerate(forced):
        statuses[len(wanted) - 1 - offset] = status
    for index, status in enumerate(("failed", "rejected", "succeeded")):  # the oldest, the settled ones
        if status not in statuses and index < len(wanted) - len(forced):
            statuses[index] = status
    rows, refunded = [], []
    for n, ((plan, amount, reason, requester, at), status) in enumerate(zip(wanted, statuses)):
        approved_at = min(at + timedelta(hours=rng.randrange(1, 8)), now - 2 * MINUTE)
        processed_at = min(approved_at + timedelta(minutes=rng.randrange(1, 6)), now - MINUTE)
        approved = status in ("approved", "processing", "succeeded", "failed")
        settled = status in ("succeeded", "failed")
        rows.append({"organization_id": org_id, "booking_id": plan.id, "payment_id": plan.paid()["id"],
                     "amount": amount, "currency": "USD", "reason": reason, "status": status,
                     "requested_by_id": requester, "approved_by_id": admin_id if approved else None,
                     "approved_at": approved_at if approved else None, "approval_note": None,
                     "rejected_by_id": admin_id if status == "rejected" else None,
                     "rejected_reason": rng.choice(cat.REFUND_REJECTIONS) if status == "rejected" else None,
                     "failure_reason": rng.choice(cat.REFUND_FAILURES) if status == "failed" else None,
                     "provider_refund_id": f"re_sbx_demo_{plan.id}_{n}" if settled else None, "job_id": None,
                     "processed_at": processed_at if settled else None, "created_at": at,
                     "updated_at": processed_at if settled else approved_at if status != "requested" else at})
        if status == "succeeded":
            refunded.append((plan, amount))
    return rows, refunded

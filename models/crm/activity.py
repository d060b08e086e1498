"""An activity: a call, email, telegram message, meeting, task or note about a customer, lead or
deal (docs/api.md#crm). Each type has fields of its own, and only those (TYPE_FIELDS); the rules
live here, once, for POST, PUT and PATCH. `send_due_reminders` claims the reminders beat sends."""
from dataclasses import replace
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, event, func, inspect, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.core import context, events
from models.core.audit import Audited
from models.core.db import Timestamped, as_utc, db, relinked, utcnow
from models.core.errors import InvalidTransition, ValidationFailed
from models.core.exports import ExportSpec
from models.core.fields import checked
from models.core.listing import ListSpec, any_of, equal_to, on_or_after, on_or_before, tally
from models.core.local_time import local_midnight_utc
from models.core.tenancy import SoftDeletable, TenantScoped, check_links, live_index
from models.crm import refs
from models.crm.deal import Deal
from models.crm.events import ActivityReminderDue
from models.crm.lead import Lead
from models.dispatch.customer import Customer
from models.identity.user import User

TYPES = ("call", "email", "telegram", "meeting", "task", "note")
STATUSES = ("scheduled", "in_progress", "completed", "cancelled")
OPEN = ("scheduled", "in_progress")  # what `complete` and `cancel` start from; upcoming and overdue ones
TASK_PRIORITIES = ("low", "medium", "high")
TYPE_FIELDS = {
    "call": ("phone_number", "call_duration", "call_recording_url"),
    "email": ("email_subject", "email_body", "email_attachments"),
    "telegram": ("telegram_username", "telegram_chat_id"),
    "meeting": ("meeting_location", "meeting_url", "attendees"),
    "task": ("task_priority", "task_due_date"),
    "note": ("is_pinned",),
}
ALL_TYPE_FIELDS = tuple(name for names in TYPE_FIELDS.values() for name in names)
URL_FIELDS = ("call_recording_url", "meeting_url", "email_attachments")  # http(s) only
EDITABLE = ("activity_type", "title", "description", "status", "scheduled_at", "customer_id", "lead_id", "deal_id",
            "assigned_to_id", *ALL_TYPE_FIELDS)
# The rows an activity points at, by field: of the organization, in a body or a list filter (422 otherwise).
ACTIVITY_LINKS = {"customer_id": (Customer, "customer"), "lead_id": (Lead, "lead"), "deal_id": (Deal, "deal"),
                  "assigned_to_id": (User, "user")}
REMINDER_LEAD = timedelta(minutes=15)
REMINDED_TYPES = ("call", "meeting")


class Activity(Audited, TenantScoped, SoftDeletable, Timestamped, db.Model):
    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_type: Mapped[str] = mapped_column(String(20), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="scheduled", nullable=False)
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When it is overdue: a task's due date's end (the organization's time zone), else scheduled_at.
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"), index=True)
    customer_name: Mapped[str | None] = mapped_column(String(200))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"), index=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"), index=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # call
    phone_number: Mapped[str | None] = mapped_column(String(40))
    call_duration: Mapped[int | None] = mapped_column(Integer)  # seconds
    call_recording_url: Mapped[str | None] = mapped_column(String(500))
    # email
    email_subject: Mapped[str | None] = mapped_column(String(300))
    email_body: Mapped[str | None] = mapped_column(Text)
    email_attachments: Mapped[list | None] = mapped_column(JSON)
    # telegram
    telegram_username: Mapped[str | None] = mapped_column(String(64))
    telegram_chat_id: Mapped[str | None] = mapped_column(String(64))
    # meeting
    meeting_location: Mapped[str | None] = mapped_column(String(300))
    meeting_url: Mapped[str | None] = mapped_column(String(500))
    attendees: Mapped[list | None] = mapped_column(JSON)
    # task
    task_priority: Mapped[str | None] = mapped_column(String(10))
    task_due_date: Mapped[date | None] = mapped_column(Date)
    # note
    is_pinned: Mapped[bool | None] = mapped_column(Boolean)

    customer = relationship(Customer, lazy="joined")
    lead = relationship(Lead, lazy="joined")
    deal = relationship(Deal, lazy="joined")
    assigned_to = relationship(User, foreign_keys=[assigned_to_id], lazy="joined")
    created_by = relationship(User, foreign_keys=[created_by_id], lazy="joined")

    __table_args__ = (live_index("ix_activities_org_created", "organization_id", "created_at", "id"),
                      db.Index("ix_activities_org_status_due", "organization_id", "status", "due_at"),)


def _problems(kind: str, fields: dict) -> dict:
    """Field -> messages: the other types' fields sent with a value, and URLs not http(s)."""
    problems = {name: [f"not a field of a {kind} activity"] for name in ALL_TYPE_FIELDS
                if name not in TYPE_FIELDS[kind] and fields.get(name) is not None}
    for name in URL_FIELDS:
        value = fields.get(name)
        urls = value if isinstance(value, list) else [value] if value is not None else []
        if name not in problems and not all(_is_web_url(url) for url in urls):
            problems[name] = ["must be an http or https URL"]
    if (fields.get("call_duration") or 0) < 0:
        problems.setdefault("call_duration", ["must be at least 0 seconds"])
    return problems


def _is_web_url(url) -> bool:
    try:
        parts = urlsplit(url)
    except (TypeError, ValueError):
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _apply(activity: Activity, fields: dict) -> Activity:
    checked(fields, EDITABLE, choices={"activity_type": TYPES, "status": STATUSES})
    kind = fields.get("activity_type", activity.activity_type)
    if kind not in TYPES:  # a new row names it
        raise ValidationFailed("Unknown activity type", activity_type=[f"one of {', '.join(TYPES)}"])
    problems = _problems(kind, fields)
    if problems:
        raise ValidationFailed(f"Fields that a {kind} activity does not take, or bad values", **problems)
    check_links(fields, ACTIVITY_LINKS)
    rescheduled = "scheduled_at" in fields and as_utc(fields["scheduled_at"]) != as_utc(activity.scheduled_at)
    for name, value in fields.items():
        setattr(activity, name, value)
    for name in ALL_TYPE_FIELDS:  # only its own type's fields: a new type clears the old one's
        if name not in TYPE_FIELDS[kind]:
            setattr(activity, name, None)
    if kind == "note" and activity.is_pinned is None:
        activity.is_pinned = False
    if "customer_id" in fields:
        customer = db.session.get(Customer, activity.customer_id) if activity.customer_id else None
        activity.customer_name = customer.name if customer else None
    if rescheduled:
        activity.reminder_sent_at = None  # the new time gets its own reminder
    _settle(activity)
    return relinked(activity)


def _settle(activity: Activity) -> None:
    """What follows from the other fields: completed_at and when it is overdue."""
    if activity.status == "completed":
        activity.completed_at = activity.completed_at or utcnow()
    else:
        activity.completed_at = None
    if activity.activity_type == "task" and activity.task_due_date is not None:
        tz = refs.timezone_of(activity.organization_id or context.current().organization_id)
        activity.due_at = local_midnight_utc(tz, activity.task_due_date + timedelta(days=1))
    else:
        activity.due_at = activity.scheduled_at


def create_activity(fields: dict, *, actor_id: int | None) -> Activity:
    activity = _apply(Activity(status="scheduled", created_by_id=actor_id), fields)
    db.session.add(activity)
    db.session.flush()
    return activity


def update_activity(activity: Activity, changes: dict) -> Activity:
    """PATCH's changes, or PUT's every field (a missing optional one is cleared). A type the
    changes do not name is the row's."""
    return _apply(activity, changes)


def _move(activity: Activity, status: str) -> Activity:
    if activity.status not in OPEN:
        raise InvalidTransition(f"A {activity.status} activity cannot become {status}: only a scheduled or "
                                "in-progress one", allowed=[])
    activity.status = status
    _settle(activity)
    return activity


def complete(activity: Activity, fields: dict, *, actor_id: int | None) -> Activity:
    return _move(activity, "completed")


def cancel(activity: Activity, fields: dict, *, actor_id: int | None) -> Activity:
    return _move(activity, "cancelled")


def stats(stmt) -> dict:
    return {"total": db.session.scalar(stmt.with_only_columns(func.count(Activity.id)).order_by(None)),
            "by_status": tally(stmt, Activity.status, STATUSES), "by_type": tally(stmt, Activity.activity_type, TYPES)}


def upcoming(stmt, now: datetime, days: int):
    """Open ones scheduled from `now` to `now + days`, both included."""
    return stmt.where(Activity.status.in_(OPEN), Activity.scheduled_at >= now,
                      Activity.scheduled_at <= now + timedelta(days=days))


def overdue(stmt, now: datetime):
    """Open ones past their time: a task's due date once that day has ended, else scheduled_at."""
    return stmt.where(Activity.status.in_(OPEN), Activity.due_at < now)


def send_due_reminders(now: datetime) -> int:
    """Every organization's scheduled calls and meetings starting within REMINDER_LEAD of `now`
    whose reminder is not sent: each claimed once (the UPDATE's WHERE; a run overlapping this one
    waits for its row locks, then finds them claimed) and announced (ActivityReminderDue)."""
    claimed = db.session.execute(
        update(Activity)
        .where(Activity.activity_type.in_(REMINDED_TYPES), Activity.status == "scheduled",
               Activity.reminder_sent_at.is_(None), Activity.scheduled_at >= now,
               Activity.scheduled_at <= now + REMINDER_LEAD)
        .values(reminder_sent_at=now)
        .returning(Activity.organization_id, Activity.id, Activity.assigned_to_id, Activity.scheduled_at,
                   Activity.title)
        .execution_options(all_tenants=True, synchronize_session=False)).all()
    for row in claimed:
        with context.acting_as(organization_id=row.organization_id):
            events.record(ActivityReminderDue(row.organization_id, row.id, row.assigned_to_id,
                                              as_utc(row.scheduled_at), row.title))
    return len(claimed)


@event.listens_for(Session, "before_flush")
def _follow_customer_names(session, flush_context, instances):
    """customer_name is a copy, so lists search and show it without a join; dispatch owns customers
    and must not know the CRM, so the CRM keeps its copy in step here, in the rename's own flush."""
    for customer in [c for c in session.dirty if isinstance(c, Customer)]:
        if inspect(customer).attrs.name.history.has_changes():
            session.execute(update(Activity).where(Activity.organization_id == customer.organization_id,
                                                   Activity.customer_id == customer.id)
                            .values(customer_name=customer.name)
                            .execution_options(all_tenants=True, synchronize_session="fetch"))


ACTIVITIES = ListSpec(
    sortable={"scheduled_at": Activity.scheduled_at, "title": Activity.title, "status": Activity.status,
              "activity_type": Activity.activity_type, "created_at": Activity.created_at,
              "updated_at": Activity.updated_at},
    default_sort="-created_at", id=Activity.id, ids_descending=True,
    filters={
        "activity_type": any_of(Activity.activity_type, TYPES),
        "status": any_of(Activity.status, STATUSES),
        "customer_id": equal_to(Activity.customer_id, description="about this customer"),
        "lead_id": equal_to(Activity.lead_id, description="about this lead"),
        "deal_id": equal_to(Activity.deal_id, description="about this deal"),
        "assigned_to_id": equal_to(Activity.assigned_to_id, description="assigned to this user"),
        "scheduled_from": on_or_after(Activity.scheduled_at, "scheduled on or after (UTC day)"),
        "scheduled_to": on_or_before(Activity.scheduled_at, "scheduled on or before (UTC day)"),
    },
    search=(Activity.title, Activity.description, Activity.customer_name),
)
UPCOMING = replace(ACTIVITIES, sortable={"scheduled_at": Activity.scheduled_at}, default_sort="scheduled_at",
                   ids_descending=False)
OVERDUE = replace(ACTIVITIES, sortable={"due_at": Activity.due_at}, default_sort="due_at", ids_descending=False)

EXPORT = ExportSpec(
    resource="activities", model=Activity, permission="crm:read",
    description="CRM activities: calls, emails, messages, meetings, tasks and notes, with their type's fields",
    columns=[(name, getattr(Activity, name)) for name in (
        "id", "activity_type", "title", "description", "status", "scheduled_at", "completed_at", "customer_id",
        "customer_name", "lead_id", "deal_id", "assigned_to_id")]
    + [("assigned_to_name", User.name)]
    + [(name, getattr(Activity, name)) for name in (*ALL_TYPE_FIELDS, "created_by_id", "created_at", "updated_at")],
    joins=[(User, User.id == Activity.assigned_to_id)],
    listing=ACTIVITIES,
)

"""Field jobs and their workflow: the transition table (models.core.workflow), its side
effects on the job and the technician, and the events it records."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core import events
from models.core.audit import Audited
from models.core.db import Timestamped, db, utcnow
from models.core.errors import Conflict, InvalidTransition
from models.core.tenancy import SoftDeletable, TenantScoped, live_index
from models.core.money import Money
from models.core.workflow import StatusHistory, Workflow
from models.dispatch.customer import Customer
from models.dispatch.events import DashboardChanged, JobAssigned, JobStatusUpdated
from models.dispatch.technician import Technician

PRIORITIES = ("low", "medium", "high", "urgent")
ACTIVE_STATUSES = ("assigned", "en_route", "in_progress", "on_hold")
# Every status, in display order, with the moves it allows (WORKFLOW, below the history model).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pending": ("scheduled", "assigned", "cancelled"),
    "scheduled": ("pending", "assigned", "cancelled"),
    "assigned": ("pending", "en_route", "in_progress", "on_hold", "cancelled"),
    "en_route": ("in_progress", "on_hold", "cancelled"),
    "in_progress": ("on_hold", "completed", "cancelled"),
    "on_hold": ("assigned", "in_progress", "cancelled"),
    "completed": (),
    "cancelled": ("pending",),
}
STATUSES = tuple(TRANSITIONS)
# The technician is occupied by a job in these statuses and free again after these.
OCCUPYING = ("en_route", "in_progress")
RELEASING = ("pending", "on_hold", "completed", "cancelled")
# A job may change hands only before work starts (or while it is parked).
REASSIGNABLE = ("pending", "scheduled", "assigned", "on_hold")
# Someone must be doing it: a job reaches these only with a technician (PUT /jobs/{id}/assign).
NEEDS_TECHNICIAN = ("assigned", "en_route", "in_progress")


class Job(Audited, TenantScoped, SoftDeletable, Timestamped, db.Model):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), nullable=False)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    technician_id: Mapped[int | None] = mapped_column(ForeignKey("technicians.id"))
    status: Mapped[str] = mapped_column(String(20), default="pending", nullable=False)
    priority: Mapped[str] = mapped_column(String(10), default="medium", nullable=False)
    service_type: Mapped[str | None] = mapped_column(String(80))
    scheduled_date: Mapped[date | None] = mapped_column(Date)
    estimated_duration: Mapped[int | None] = mapped_column(Integer)
    address: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(120))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    value: Mapped[Decimal | None] = mapped_column(Money())
    actual_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    actual_end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    customer: Mapped[Customer] = relationship()
    technician: Mapped[Technician | None] = relationship(foreign_keys=[technician_id])
    notes: Mapped[list["JobNote"]] = relationship(order_by="JobNote.id")

    __mapper_args__ = {"version_id_col": version}
    # Lists only ever read live rows: partial indexes skip the soft-deleted ones, and
    # (org, created_at, id) serves the default order and index-only counts and offsets.
    __table_args__ = (
        live_index("ix_jobs_org_status_date", "organization_id", "status", "scheduled_date"),
        live_index("ix_jobs_org_created", "organization_id", "created_at", "id"),
        live_index("ix_jobs_org_technician", "organization_id", "technician_id"),
        live_index("ix_jobs_org_customer", "organization_id", "customer_id"),
        live_index("ix_jobs_org_project", "organization_id", "project_id"),
    )

    def move_to(self, status: str, *, actor_id: int | None, reason: str | None = None) -> None:
        unstaffed = NEEDS_TECHNICIAN if self.technician_id is None else ()
        if status in unstaffed:
            raise InvalidTransition(f"A job without a technician cannot move to {status}: assign one first",
                                    allowed=list(WORKFLOW.allowed(self.status, excluding=unstaffed)))
        move = WORKFLOW.move(self, status, actor_id=actor_id, reason=reason, excluding=unstaffed)
        if status == "in_progress" and self.actual_start is None:
            self.actual_start = move.created_at
        if status == "completed":
            self.actual_end = move.created_at
        if self.technician is not None:
            if status in OCCUPYING:
                self.technician.take_job(self.id)
            elif status in RELEASING:
                self.technician.release_job(self.id)
        technician_user = self.technician.user_id if self.technician is not None else None
        events.record(JobStatusUpdated(self.organization_id, self.id, move.from_status, status, actor_id,
                                       technician_user, move.created_at))
        events.record(DashboardChanged(self.organization_id))

    def assign(self, technician: Technician | None, *, actor_id: int | None) -> None:
        """Give the job to `technician` (None: take it back). A pending or
        scheduled job becomes assigned; an assigned job left without anyone, pending."""
        if technician is not None and technician.id == self.technician_id:
            return
        if self.status not in REASSIGNABLE:
            raise Conflict(f"A {self.status} job cannot change technician", allowed_statuses=list(REASSIGNABLE))
        if technician is not None:
            technician.check_assignable()
        previous = self.technician
        if previous is not None:
            previous.release_job(self.id)
        self.technician, self.technician_id = technician, technician.id if technician else None
        now = utcnow()
        events.record(JobAssigned(
            self.organization_id, self.id, self.title, self.priority,
            technician.id if technician else None, technician.name if technician else None,
            technician.user_id if technician else None,
            previous.id if previous else None, previous.user_id if previous else None, actor_id, now,
        ))
        if technician is not None and self.status in ("pending", "scheduled"):
            self.move_to("assigned", actor_id=actor_id, reason="technician assigned")
        elif technician is None and self.status == "assigned":
            self.move_to("pending", actor_id=actor_id, reason="technician unassigned")
        else:
            events.record(DashboardChanged(self.organization_id))

class JobStatusHistory(StatusHistory, db.Model):
    __tablename__ = "job_status_history"
    # The dispatch rollup counts cancellations per day from here.
    __table_args__ = (db.Index("ix_job_status_history_org_to_status_created", "organization_id", "to_status",
                            "created_at"),)
    subject_key = "job_id"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True, nullable=False)


WORKFLOW = Workflow(TRANSITIONS, initial=("pending",), history=JobStatusHistory, noun="job")


class JobNote(Audited, TenantScoped, db.Model):
    __tablename__ = "job_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True, nullable=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    author = relationship("User")

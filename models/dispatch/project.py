"""Projects group a customer's jobs; their status follows WORKFLOW, with a history of moves."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, String, Text, case, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core.audit import Audited
from models.core.db import Timestamped, db
from models.core.errors import ValidationFailed
from models.core.listing import ListSpec, any_of, equal_to, on_or_after, on_or_before
from models.core.money import Money
from models.core.tenancy import SoftDeletable, TenantScoped, get_or_404
from models.core.workflow import StatusHistory, Workflow
from models.dispatch.customer import Customer
from models.dispatch.job import Job

# Every status, in display order, with the moves it allows; completed and cancelled are final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "planning": ("active", "cancelled"),
    "active": ("on_hold", "completed", "cancelled"),
    "on_hold": ("active", "cancelled"),
    "completed": (),
    "cancelled": (),
}
STATUSES = tuple(TRANSITIONS)
INITIAL_STATUSES = ("planning", "active")


class Project(Audited, TenantScoped, SoftDeletable, Timestamped, db.Model):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True, nullable=False)
    status: Mapped[str] = mapped_column(String(20), default="planning", nullable=False)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    total_value: Mapped[Decimal | None] = mapped_column(Money())
    description: Mapped[str | None] = mapped_column(Text)

    customer: Mapped[Customer] = relationship()

    def check_dates(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationFailed("The project ends before it starts", end_date=["must not be before start_date"])

    def move_to(self, status: str, *, actor_id: int | None, reason: str | None = None) -> None:
        WORKFLOW.move(self, status, actor_id=actor_id, reason=reason)


class ProjectStatusHistory(StatusHistory, db.Model):
    __tablename__ = "project_status_history"
    subject_key = "project_id"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True,
                                            nullable=False)


WORKFLOW = Workflow(TRANSITIONS, initial=INITIAL_STATUSES, history=ProjectStatusHistory, noun="project")


def create_project(fields: dict, *, actor_id: int | None) -> Project:
    get_or_404(Customer, fields["customer_id"], "Customer")
    project = Project(**{"status": INITIAL_STATUSES[0], **fields})
    project.check_dates()
    db.session.add(project)
    db.session.flush()  # its id, for its history row and the caller's answer (the boundary commits)
    WORKFLOW.start(project, actor_id=actor_id)
    return project


def update_project(project: Project, changes: dict, *, actor_id: int | None) -> Project:
    """Edit the project's fields; a `status` other than its current one is a move of its
    workflow (with `reason` in its history)."""
    changes = dict(changes)
    status, reason = changes.pop("status", project.status), changes.pop("reason", None)
    if "customer_id" in changes:
        get_or_404(Customer, changes["customer_id"], "Customer")
    for name, value in changes.items():
        setattr(project, name, value)
    project.check_dates()
    if status != project.status:
        project.move_to(status, actor_id=actor_id, reason=reason)
    return project


def history(project: Project) -> list[ProjectStatusHistory]:
    return ProjectStatusHistory.of(project)


@dataclass
class ProjectProgress:
    """A project with what the list shows about it (seed 000 project list item)."""

    project: Project
    customer_name: str | None
    total_jobs: int
    completed_jobs: int
    jobs: list | None = None  # filled for the detail page only

    @property
    def progress_percentage(self) -> int:
        return self.completed_jobs * 100 // self.total_jobs if self.total_jobs else 0

    def __getattr__(self, name):  # the schema reads project fields straight through
        return getattr(self.project, name)


def progress_query():
    """Projects with customer name and job counts, in one statement."""
    counts = (
        select(
            Job.project_id.label("project_id"),
            func.count(Job.id).label("total_jobs"),
            func.sum(case((Job.status == "completed", 1), else_=0)).label("completed_jobs"),
        )
        .where(Job.project_id.is_not(None))
        .group_by(Job.project_id)
        .subquery()
    )
    return (
        select(Project, Customer.name, func.coalesce(counts.c.total_jobs, 0), func.coalesce(counts.c.completed_jobs, 0))
        .outerjoin(Customer, Customer.id == Project.customer_id)
        .outerjoin(counts, counts.c.project_id == Project.id)
    )


def with_progress(rows) -> list[ProjectProgress]:
    return [ProjectProgress(project, name, int(total), int(done or 0)) for project, name, total, done in rows]


# How projects are listed and exported.
PROJECTS = ListSpec(
    sortable={"name": Project.name, "start_date": Project.start_date, "end_date": Project.end_date,
              "status": Project.status, "created_at": Project.created_at},
    default_sort="name", id=Project.id,
    filters={
        "status": any_of(Project.status, STATUSES),
        "customer_id": equal_to(Project.customer_id),
        "date_from": on_or_after(Project.start_date, "starting on or after"),
        "date_to": on_or_before(Project.start_date, "starting on or before"),
    },
    search=(Project.name,),
)

"""Creating, editing and deleting jobs, and their notes."""
from models.core import events
from models.core.db import db
from models.core.errors import Conflict, ValidationFailed
from models.core.tenancy import get_or_404
from models.dispatch.customer import Customer
from models.dispatch.events import DashboardChanged
from models.dispatch.job import PRIORITIES, WORKFLOW, Job, JobNote, JobStatusHistory
from models.dispatch.project import Project
from models.dispatch.technician import Technician

EDITABLE = ("title", "description", "customer_id", "project_id", "priority", "service_type", "scheduled_date",
            "estimated_duration", "address", "city", "lat", "lng", "value")


def _check_links(customer_id: int, project_id: int | None) -> None:
    get_or_404(Customer, customer_id, "Customer")
    if project_id is not None:
        project = get_or_404(Project, project_id, "Project")
        if project.customer_id != customer_id:
            raise ValidationFailed("The project belongs to another customer",
                                   project_id=["must be a project of the job's customer"])


def _check_priority(priority: str) -> None:
    if priority not in PRIORITIES:
        raise ValidationFailed("Unknown priority", priority=[f"one of {', '.join(PRIORITIES)}"])


def create_job(fields: dict, *, actor_id: int | None) -> Job:
    _check_links(fields["customer_id"], fields.get("project_id"))
    _check_priority(fields.get("priority", "medium"))
    job = Job(**fields)
    db.session.add(job)
    db.session.flush()
    WORKFLOW.start(job, actor_id=actor_id)
    return job


def update_job(job: Job, changes: dict, *, expected_version: int | None = None) -> Job:
    """Edit the job's own fields; status and technician have their own commands."""
    if expected_version is not None and expected_version != job.version:
        raise Conflict("The job was changed by someone else; reload it", version=[f"current version is {job.version}"])
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationFailed("Not editable here", **{name: ["not editable"] for name in unknown})
    if "priority" in changes:
        _check_priority(changes["priority"])
    if "customer_id" in changes or "project_id" in changes:
        _check_links(changes.get("customer_id", job.customer_id), changes.get("project_id", job.project_id))
    for name, value in changes.items():
        setattr(job, name, value)
    return job


def delete_job(job: Job) -> None:
    if job.technician is not None:
        job.technician.release_job(job.id)
    job.soft_delete()
    events.record(DashboardChanged(job.organization_id))


def add_note(job: Job, body: str, *, author_id: int | None) -> JobNote:
    if not body.strip():
        raise ValidationFailed("A note needs text", body=["must not be blank"])
    note = JobNote(organization_id=job.organization_id, job_id=job.id, author_id=author_id, body=body.strip())
    db.session.add(note)
    return note


def assign(job: Job, technician_id: int | None, *, actor_id: int | None) -> Job:
    technician = get_or_404(Technician, technician_id, "Technician") if technician_id is not None else None
    job.assign(technician, actor_id=actor_id)
    return job


def history(job: Job) -> list[JobStatusHistory]:
    return JobStatusHistory.of(job)

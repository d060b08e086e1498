"""What the dispatch resources export (models.core.exports): jobs, customers, technicians, projects.
Column names follow the API's field names."""
from sqlalchemy import func, select

from models.core.exports import ExportSpec, Filter, any_of, equal_to, on_or_after, on_or_before
from models.dispatch import job_list, project as projects, technician as technicians
from models.dispatch.customer import Customer
from models.dispatch.job import Job
from models.dispatch.project import Project
from models.dispatch.technician import Technician, TechnicianSkill

JOBS = ExportSpec(
    resource="jobs", model=Job, permission="jobs:read",
    description="Field jobs with their customer, project and technician",
    columns=[
        ("id", Job.id), ("title", Job.title), ("description", Job.description), ("status", Job.status),
        ("priority", Job.priority), ("service_type", Job.service_type),
        ("customer_id", Job.customer_id), ("customer_name", Customer.name),
        ("project_id", Job.project_id), ("project_name", Project.name),
        ("technician_id", Job.technician_id), ("technician_name", Technician.name),
        ("scheduled_date", Job.scheduled_date), ("estimated_duration", Job.estimated_duration),
        ("address", Job.address), ("city", Job.city), ("lat", Job.lat), ("lng", Job.lng), ("value", Job.value),
        ("actual_start", Job.actual_start), ("actual_end", Job.actual_end),
        ("created_at", Job.created_at), ("updated_at", Job.updated_at),
    ],
    joins=[(Customer, Customer.id == Job.customer_id), (Project, Project.id == Job.project_id),
           (Technician, Technician.id == Job.technician_id)],
    filters=job_list.FILTERS,
)

CUSTOMERS = ExportSpec(
    resource="customers", model=Customer, permission="jobs:read",
    description="Customers and their contact details",
    columns=[
        ("id", Customer.id), ("name", Customer.name), ("contact_person", Customer.contact_person),
        ("email", Customer.email), ("phone", Customer.phone), ("address", Customer.address),
        ("city", Customer.city), ("created_at", Customer.created_at), ("updated_at", Customer.updated_at),
    ],
    filters={
        "city": equal_to(Customer.city, str),
        "created_from": on_or_after(Customer.created_at, "created on or after (UTC day)"),
        "created_to": on_or_before(Customer.created_at, "created on or before (UTC day)"),
    },
)

SKILLS = (select(func.aggregate_strings(TechnicianSkill.skill, ", "))
          .where(TechnicianSkill.technician_id == Technician.id).correlate(Technician).scalar_subquery())

TECHNICIANS = ExportSpec(
    resource="technicians", model=Technician, permission="jobs:read",
    description="Technicians, their skills, status and last known location",
    columns=[
        ("id", Technician.id), ("name", Technician.name), ("email", Technician.email), ("phone", Technician.phone),
        ("status", Technician.status), ("skills", SKILLS), ("current_job_id", Technician.current_job_id),
        ("user_id", Technician.user_id), ("lat", Technician.lat), ("lng", Technician.lng),
        ("location_updated_at", Technician.location_updated_at), ("created_at", Technician.created_at),
    ],
    filters={
        "status": any_of(Technician.status, technicians.STATUSES),
        "skill": Filter(str, lambda skill: Technician.id.in_(
            select(TechnicianSkill.technician_id).where(TechnicianSkill.skill == skill)), description="has this skill"),
    },
)

PROJECTS = ExportSpec(
    resource="projects", model=Project, permission="jobs:read",
    description="Projects with their customer",
    columns=[
        ("id", Project.id), ("name", Project.name), ("customer_id", Project.customer_id),
        ("customer_name", Customer.name), ("status", Project.status), ("start_date", Project.start_date),
        ("end_date", Project.end_date), ("total_value", Project.total_value), ("description", Project.description),
        ("created_at", Project.created_at), ("updated_at", Project.updated_at),
    ],
    joins=[(Customer, Customer.id == Project.customer_id)],
    filters={
        "status": any_of(Project.status, projects.STATUSES),
        "customer_id": equal_to(Project.customer_id),
        "date_from": on_or_after(Project.start_date, "starting on or after"),
        "date_to": on_or_before(Project.start_date, "starting on or before"),
    },
)

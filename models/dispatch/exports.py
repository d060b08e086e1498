"""What the dispatch resources export (models.core.exports): jobs, customers, technicians, projects.
Column names follow the API's field names."""
from sqlalchemy import func, select

from models.core.exports import ExportSpec
from models.dispatch import customer, job_list, project, technician
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
    listing=job_list.JOBS,
)

CUSTOMERS = ExportSpec(
    resource="customers", model=Customer, permission="jobs:read",
    description="Customers and their contact details",
    columns=[
        ("id", Customer.id), ("name", Customer.name), ("contact_person", Customer.contact_person),
        ("email", Customer.email), ("phone", Customer.phone), ("address", Customer.address),
        ("city", Customer.city), ("created_at", Customer.created_at), ("updated_at", Customer.updated_at),
    ],
    listing=customer.CUSTOMERS,
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
    listing=technician.TECHNICIANS,
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
    listing=project.PROJECTS,
)

"""What the dispatch lists filter, sort and search by (models.core.listing): the list endpoints
and the exports of jobs, customers, technicians and projects read these."""
from sqlalchemy import case, func, select

from models.core.listing import Filter, ListSpec, any_of, contains, equal_to, on_or_after, on_or_before
from models.dispatch import project as projects
from models.dispatch import technician as technicians
from models.dispatch.customer import Customer
from models.dispatch.job import PRIORITIES, STATUSES, Job
from models.dispatch.project import Project
from models.dispatch.technician import Technician, TechnicianSkill

PRIORITY_RANK = case({"low": 0, "medium": 1, "high": 2, "urgent": 3}, value=Job.priority)

JOBS = ListSpec(
    sortable={"created_at": Job.created_at, "updated_at": Job.updated_at, "scheduled_date": Job.scheduled_date,
              "priority": PRIORITY_RANK, "status": Job.status, "title": Job.title, "value": Job.value},
    default_sort="-created_at", id=Job.id, ids_descending=True,
    filters={
        "status": any_of(Job.status, STATUSES),
        "priority": any_of(Job.priority, PRIORITIES),
        "technician_id": equal_to(Job.technician_id),
        "customer_id": equal_to(Job.customer_id),
        "project_id": equal_to(Job.project_id),
        "date_from": on_or_after(Job.scheduled_date, "scheduled on or after"),
        "date_to": on_or_before(Job.scheduled_date, "scheduled on or before"),
    },
    search=(Job.title, Job.address,
            lambda pattern: Job.customer_id.in_(select(Customer.id).where(contains(Customer.name, pattern)))),
)

CUSTOMERS = ListSpec(
    sortable={"name": Customer.name, "city": Customer.city, "created_at": Customer.created_at},
    default_sort="name", id=Customer.id,
    filters={
        "city": equal_to(Customer.city, str),
        "created_from": on_or_after(Customer.created_at, "created on or after (UTC day)"),
        "created_to": on_or_before(Customer.created_at, "created on or before (UTC day)"),
    },
    search=(Customer.name, Customer.contact_person, Customer.email, Customer.phone, Customer.address),
)


def _has_skill(skill: str):
    return Technician.id.in_(select(TechnicianSkill.technician_id)
                             .where(func.lower(TechnicianSkill.skill) == skill.lower()))


def _available(available: bool):
    return Technician.status == "available" if available else Technician.status != "available"


TECHNICIANS = ListSpec(
    sortable={"name": Technician.name, "status": Technician.status, "created_at": Technician.created_at},
    default_sort="name", id=Technician.id,
    filters={
        "status": any_of(Technician.status, technicians.STATUSES),
        "skill": Filter(str, _has_skill, description="has this skill (any case)"),
        "available": Filter(bool, _available, description="available now (true) or not (false)"),
    },
    search=(Technician.name, Technician.email, Technician.phone),
)

PROJECTS = ListSpec(
    sortable={"name": Project.name, "start_date": Project.start_date, "end_date": Project.end_date,
              "status": Project.status, "created_at": Project.created_at},
    default_sort="name", id=Project.id,
    filters={
        "status": any_of(Project.status, projects.STATUSES),
        "customer_id": equal_to(Project.customer_id),
        "date_from": on_or_after(Project.start_date, "starting on or after"),
        "date_to": on_or_before(Project.start_date, "starting on or before"),
    },
    search=(Project.name,),
)

"""A job as the lists show it (seed 000 job list item): one flat row per job with its
customer's and technician's names, selected as columns in one statement.

The dispatch board's list is the hottest read (SPEC §10): rows, not entities, so no
ORM objects are built for a page. Both joins are LEFT joins on primary keys, so a
COUNT or an id-only query over this select needs neither table (PostgreSQL drops them)."""
from sqlalchemy import select

from models.dispatch.customer import Customer
from models.dispatch.job import Job
from models.dispatch.technician import Technician

COLUMNS = (
    Job.id, Job.title, Job.customer_id, Customer.name.label("customer_name"), Job.status, Job.priority,
    Job.technician_id, Technician.name.label("technician_name"), Job.scheduled_date, Job.address,
    Job.estimated_duration, Job.created_at,
)


def list_items():
    """`select` of list rows; filter, sort and page it like `select(Job)`."""
    return (
        select(*COLUMNS).select_from(Job)
        .outerjoin(Customer, Customer.id == Job.customer_id)
        .outerjoin(Technician, Technician.id == Job.technician_id)
    )

"""A job as the lists show it (seed 000 job list item): one flat row per job with its
customer's and technician's names, selected as columns in one statement.

The dispatch board's list is the hottest read (README, Benchmarks): rows, not entities, so no
ORM objects are built for a page. The names are correlated subqueries rather than
joins, so the COUNT and the deep-page id query that paginate() derives from this
select read the jobs index alone (index-only), and only the page's rows look names up."""
from sqlalchemy import select

from models.dispatch.customer import Customer
from models.dispatch.job import Job
from models.dispatch.technician import Technician


def _name_of(model, key):
    return select(model.name).where(model.id == key).correlate(Job).scalar_subquery()


def list_items():
    """`select` of list rows; filter, sort and page it like `select(Job)` (models.dispatch.lists.JOBS)."""
    return select(
        Job.id, Job.title, Job.customer_id, _name_of(Customer, Job.customer_id).label("customer_name"),
        Job.status, Job.priority, Job.technician_id, _name_of(Technician, Job.technician_id).label("technician_name"),
        Job.scheduled_date, Job.address, Job.estimated_duration, Job.created_at,
    )

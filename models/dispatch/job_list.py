"""A job as the lists show it (seed 000 job list item): one flat row per job with its
customer's and technician's names, selected as columns in one statement.

The dispatch board's list is the hottest read (README, Benchmarks): rows, not entities, so no
ORM objects are built for a page. The names are correlated subqueries rather than
joins, so the COUNT and the deep-page id query that paginate() derives from this
select read the jobs index alone (index-only), and only the page's rows look names up."""
from functools import cache

from sqlalchemy import case, select

from models.core.listing import ListSpec, any_of, contains, equal_to, on_or_after, on_or_before
from models.dispatch.customer import Customer
from models.dispatch.job import PRIORITIES, STATUSES, Job
from models.dispatch.technician import Technician


def _name_of(model, key):
    return select(model.name).where(model.id == key).correlate(Job).scalar_subquery()


@cache  # statements are immutable: each request narrows its own copy
def list_items():
    """`select` of list rows; filter, sort and page it like `select(Job)` (JOBS below)."""
    return select(
        Job.id, Job.title, Job.customer_id, _name_of(Customer, Job.customer_id).label("customer_name"),
        Job.status, Job.priority, Job.technician_id, _name_of(Technician, Job.technician_id).label("technician_name"),
        Job.scheduled_date, Job.address, Job.estimated_duration, Job.created_at,
    )


# How jobs are listed and exported: filters, sorts and what `q` searches.
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

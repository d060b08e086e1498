"""Dispatch: customers, projects, jobs, technicians and the photos of their work."""
from models.core.domain import Domain
from models.core.notification_kinds import NotificationKind
from models.dispatch import events, exports
from models.dispatch.customer import Customer  # noqa: F401
from models.dispatch.job import Job, JobNote, JobStatusHistory  # noqa: F401
from models.dispatch.photo import JobPhoto  # noqa: F401
from models.dispatch.project import Project, ProjectStatusHistory  # noqa: F401
from models.dispatch.technician import Technician, TechnicianSkill  # noqa: F401

DOMAIN = Domain(
    name="dispatch",
    depends_on=("identity", "ops"),
    permissions={
        "jobs:read": "See every job of the organization",
        "jobs:read_assigned": "See the jobs assigned to oneself",
        "jobs:write": "Create, edit and delete jobs, projects, customers",
        "jobs:assign": "Assign technicians to jobs",
        "jobs:update_status": "Move a job through its workflow",
        "technicians:manage": "Create and edit technicians",
    },
    exports=(exports.JOBS, exports.CUSTOMERS, exports.TECHNICIANS, exports.PROJECTS),
    webhook_events=events.WEBHOOK_EVENTS,
    notification_kinds=(NotificationKind("job.assigned", channels=("in_app", "push"), push_ttl=4 * 60 * 60,
                                         description="A job was assigned to the technician"),),
)

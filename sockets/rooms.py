"""Room and event names, shared by web and worker processes (docs/events.md).

A socket's rooms are decided at connect from its user's role permissions, by the
rules REST applies: an event goes to the rooms of whoever may read its subject."""
from models.core.permissions import grants
from models.ops.background_job import SEE_ALL as BACKGROUND_ALL  # every background job (job.progress)

DISPATCH = "/"
MOBILE = "/mobile"
CUSTOMER = "/customer"
NAMESPACES = (DISPATCH, MOBILE, CUSTOMER)

# Events on every namespace
SESSION_REVOKED = "session.revoked"
SESSION_EXPIRED = "session.expired"
PERMISSIONS_CHANGED = "permissions.changed"
RESUME_DONE = "resume.done"  # the answer to `resume`: replayed this many, go on from this id
RESUME_GAP = "resume.gap"  # the answer to `resume`: not all kept, refetch
NOTIFICATION_CREATED = "notification.created"  # to the recipient's user room, on their role's namespace
# Client -> server, on every namespace
REAUTHENTICATE = "reauthenticate"
RESUME = "resume"
# Dispatch console (/)
JOB_STATUS_UPDATED = "job.status.updated"
JOB_ASSIGNED = "job.assigned"
DASHBOARD_METRICS_UPDATED = "dashboard.metrics.updated"
JOB_PROGRESS = "job.progress"
# Technician app (/mobile)
MOBILE_JOB_ASSIGNED = "job-assigned"
MOBILE_STATUS_UPDATED = "status-updated"
MOBILE_PRIORITY_ALERT = "priority-alert"
MOBILE_TEAM_UPDATE = "team-update"
BOOKING_UPDATED = "booking.updated"
REFUND_UPDATED = "refund.updated"
TAKEDOWN_CREATED = "takedown.created"
TAKEDOWN_RESOLVED = "takedown.resolved"
# Customer portal (/customer): named by the contract, not emitted yet
TRACKING_UPDATED = "tracking.updated"
CHECKPOINT_READY = "checkpoint.ready"
DISPUTE_MESSAGE = "dispute.message"

# Permissions that let their holder read a kind of subject across the whole organization;
# each has a room per organization, `perm:<org>:<permission>`.
JOBS_ALL = "jobs:read"  # every job (job events; technicians' data, as GET /technicians)
JOBS_OWN = "jobs:read_assigned"  # the jobs of one's own technician record
METRICS = "analytics:read"  # the dashboard numbers
BOOKINGS_ALL = "bookings:manage"  # every booking, refund and takedown request (the marketplace's events)
ORGANIZATION_WIDE = (JOBS_ALL, METRICS, BACKGROUND_ALL, BOOKINGS_ALL)


def user_room(user_id: int) -> str:
    """Every socket of the user (events about the user: their sessions, their background jobs)."""
    return f"user:{user_id}"


def session_room(session_id: str) -> str:
    """Every socket opened with an access token of this session."""
    return f"session:{session_id}"


def role_room(org_id: int, role: str) -> str:
    """Every socket of a user holding this role (told when the role's permissions change)."""
    return f"role:{org_id}:{role}"


def permission_room(org_id: int, permission: str) -> str:
    return f"perm:{org_id}:{permission}"


def assigned_room(user_id: int) -> str:
    """The sockets of a user who may read the jobs assigned to them: events about those jobs."""
    return f"assigned:{user_id}"


def audience_rooms(org_id: int, user_id: int, session_id: str, role: str, permissions) -> list[str]:
    """The rooms a socket joins on connect."""
    joined = [user_room(user_id), session_room(session_id), role_room(org_id, role)]
    joined += [permission_room(org_id, p) for p in ORGANIZATION_WIDE if grants(permissions, p)]
    if grants(permissions, JOBS_OWN):
        joined.append(assigned_room(user_id))
    return joined


def job_audience(org_id: int, *technician_user_ids) -> list[str]:
    """Who hears about a job: `jobs:read` holders, and the users of its technicians (current,
    and previous for a reassignment) through their `assigned:` rooms."""
    return [permission_room(org_id, JOBS_ALL)] + technicians_audience(*technician_user_ids)


def technicians_audience(*technician_user_ids) -> list[str]:
    return [assigned_room(user_id) for user_id in dict.fromkeys(technician_user_ids) if user_id is not None]

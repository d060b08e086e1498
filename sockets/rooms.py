"""Room and event names, shared by web and worker processes (SPEC §4)."""

DISPATCH = "/"
MOBILE = "/mobile"
CUSTOMER = "/customer"
NAMESPACES = (DISPATCH, MOBILE, CUSTOMER)

# Events on every namespace
SESSION_REVOKED = "session.revoked"
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
# Customer portal (/customer)
TRACKING_UPDATED = "tracking.updated"
CHECKPOINT_READY = "checkpoint.ready"
DISPUTE_MESSAGE = "dispute.message"


def org_room(org_id: int) -> str:
    return f"org:{org_id}"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def role_room(org_id: int, role: str) -> str:
    return f"role:{org_id}:{role}"

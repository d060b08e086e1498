"""Every HTTP resource module; `create_app` registers each one's `blp`."""
from web.api import (
    analytics,
    audit_log,
    auth,
    background_jobs,
    backups,
    customers,
    dispatch_board,
    exports,
    files,
    health,
    job_photos,
    jobs,
    projects,
    roles,
    system_health,
    technicians,
    users,
)

MODULES = (health, auth, users, roles, audit_log, jobs, projects, technicians, customers, dispatch_board, job_photos,
           background_jobs, exports, backups, analytics, system_health, files)

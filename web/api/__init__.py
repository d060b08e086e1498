"""Every HTTP resource module; `create_app` registers each one's `blp`."""
from web.api import (
    audit_log,
    auth,
    background_jobs,
    customers,
    dispatch_board,
    job_photos,
    jobs,
    projects,
    roles,
    technicians,
    users,
)

MODULES = (auth, users, roles, audit_log, jobs, projects, technicians, customers, dispatch_board, job_photos,
           background_jobs)

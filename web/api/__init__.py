"""Every HTTP resource module; `create_app` registers each one's `blp`."""
from web.api import audit_log, auth, roles, users

MODULES = (auth, users, roles, audit_log)

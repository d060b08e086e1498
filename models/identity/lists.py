"""What the identity lists filter, sort and search by (models.core.listing): users (the list
and its export) and the audit log."""
from datetime import datetime

from models.core.audit import AuditLogEntry
from models.core.listing import ListSpec, any_of, equal_to, on_or_after, on_or_before
from models.identity.user import User

USERS = ListSpec(
    sortable={"name": User.name, "email": User.email, "role": User.role, "created_at": User.created_at,
              "last_login_at": User.last_login_at},
    default_sort="name", id=User.id,
    filters={
        "role": any_of(User.role, description="any of these role names"),
        "is_active": equal_to(User.is_active, bool),
    },
    search=(User.name, User.email),
)

AUDIT_ACTIONS = ("create", "update", "delete", "restore")

AUDIT_LOG = ListSpec(
    sortable={"created_at": AuditLogEntry.created_at}, default_sort="-created_at",
    id=AuditLogEntry.id, ids_descending=True,
    filters={
        "actor_id": equal_to(AuditLogEntry.actor_id, description="written by this user"),
        "action": any_of(AuditLogEntry.action, AUDIT_ACTIONS),
        "entity_type": equal_to(AuditLogEntry.entity_type, str),
        "entity_id": equal_to(AuditLogEntry.entity_id, str),
        "date_from": on_or_after(AuditLogEntry.created_at, "at or after this moment", type=datetime),
        "date_to": on_or_before(AuditLogEntry.created_at, "at or before this moment", type=datetime),
    },
    search=(AuditLogEntry.entity_type, AuditLogEntry.entity_id, AuditLogEntry.action, AuditLogEntry.request_id),
)

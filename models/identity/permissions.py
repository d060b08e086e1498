"""The permission catalog and the built-in roles every organization starts with.

Roles are data (rows in `roles`); these are only the defaults written when an
organization is created. `*` grants everything."""

PERMISSIONS: dict[str, str] = {
    "jobs:read": "See every job of the organization",
    "jobs:read_assigned": "See the jobs assigned to oneself",
    "jobs:write": "Create, edit and delete jobs, projects, customers",
    "jobs:assign": "Assign technicians to jobs",
    "jobs:update_status": "Move a job through its workflow",
    "technicians:manage": "Create and edit technicians",
    "bookings:manage": "Manage marketplace bookings",
    "refunds:approve": "Approve or reject refunds",
    "reviews:moderate": "Hide, remove and restore reviews; resolve takedown requests",
    "crm:manage": "Issues, orders, payments and activities",
    "analytics:read": "Read analytics and dashboards",
    "exports:create": "Start data exports",
    "jobs:background": "Watch and cancel background work",
    "system:health": "Read system health",
    "system:backup": "Create and list backups",
    "system:restore": "Restore from a backup",
    "users:read": "List and read users",
    "users:manage": "Create, edit and deactivate users",
    "roles:manage": "Create and edit roles",
    "audit:read": "Read the audit log",
    "portal:access": "Use the customer portal",
    "vendor:access": "Use the vendor tools",
}

ALL = "*"
# What makes an account a customer's or a vendor's rather than staff: no power over the
# organization's data, so handing them out needs no more than the right to manage roles or users.
AUDIENCE_PERMISSIONS = ("portal:access", "vendor:access")

BUILTIN_ROLES: dict[str, tuple[str, list[str]]] = {
    "owner": ("Owns the organization; every permission", [ALL]),
    "admin": ("Runs the organization day to day", [p for p in PERMISSIONS if p not in AUDIENCE_PERMISSIONS]),
    "dispatcher": (
        "Plans and dispatches field work",
        ["jobs:read", "jobs:write", "jobs:assign", "jobs:update_status", "technicians:manage",
         "analytics:read", "exports:create", "users:read"],
    ),
    "technician": ("Works assigned jobs in the field", ["jobs:read_assigned", "jobs:update_status"]),
    "customer": ("Customer portal user", ["portal:access"]),
    "vendor": ("Marketplace vendor", ["vendor:access"]),
    "support": (
        "Customer support",
        ["bookings:manage", "reviews:moderate", "crm:manage", "users:read", "audit:read", "analytics:read"],
    ),
}


def grants(granted: list[str] | None, permission: str) -> bool:
    granted = granted or []
    return ALL in granted or permission in granted


def unknown(permissions: list[str]) -> list[str]:
    return [p for p in permissions if p != ALL and p not in PERMISSIONS]


def is_staff(granted: list[str] | tuple) -> bool:
    """Anyone whose role grants more than the customer portal or vendor tools."""
    return any(p not in AUDIENCE_PERMISSIONS for p in granted or ())


def beyond(permissions, *, acting_role: str, acting_permissions) -> list[str]:
    """The ones of `permissions` the actor may not hand out (to a role, or to a user
    through their role): whatever they do not hold themselves, and `*` unless they are
    an owner. The audience permissions are anyone's to hand out."""
    def grantable(permission):
        if permission == ALL:
            return acting_role == "owner"
        return permission in AUDIENCE_PERMISSIONS or grants(acting_permissions, permission)

    return sorted({p for p in permissions if not grantable(p)})

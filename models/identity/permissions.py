"""The built-in roles every organization starts with, and the rules of handing out
permissions. The catalog itself is models.core.permissions, declared by each domain.

Roles are data (rows in `roles`); these are only the defaults written when an
organization is created. `*` grants everything."""
from models.core.permissions import ALL, PERMISSIONS, grants

# What makes an account a customer's or a vendor's rather than staff: no power over the
# organization's data, so handing them out needs no more than the right to manage roles or users.
AUDIENCE_PERMISSIONS = ("portal:access", "vendor:access")

# name -> (description, permissions); None: every permission of the catalog but the audience ones.
BUILTIN_ROLES: dict[str, tuple[str, list[str] | None]] = {
    "owner": ("Owns the organization; every permission", [ALL]),
    "admin": ("Runs the organization day to day", None),
    "dispatcher": (
        "Plans and dispatches field work",
        ["jobs:read", "jobs:write", "jobs:assign", "jobs:update_status", "technicians:manage",
         "analytics:read", "exports:create", "users:read", "crm:read", "notifications:send"],
    ),
    "technician": ("Works assigned jobs in the field", ["jobs:read_assigned", "jobs:update_status"]),
    "customer": ("Customer portal user", ["portal:access"]),
    "vendor": ("Marketplace vendor", ["vendor:access"]),
    "support": (
        "Customer support",
        ["bookings:manage", "reviews:moderate", "crm:read", "crm:manage", "users:read", "audit:read", "analytics:read"],
    ),
}


def builtin_permissions(role: str) -> list[str]:
    permissions = BUILTIN_ROLES[role][1]
    return [p for p in PERMISSIONS if p not in AUDIENCE_PERMISSIONS] if permissions is None else permissions


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

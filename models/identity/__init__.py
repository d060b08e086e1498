"""Identity: organizations, users, roles, sessions."""
from models.core.domain import Domain
from models.core.notification_kinds import NotificationKind
from models.identity import exports
from models.identity.organization import Organization  # noqa: F401
from models.identity.role import Role  # noqa: F401
from models.identity.sessions import AuthSession, RefreshToken  # noqa: F401
from models.identity.user import User  # noqa: F401

DOMAIN = Domain(
    name="identity",
    permissions={
        # Checked by domains still to come (marketplace) and held by the built-in support role;
        # each moves to its domain's declaration when that domain arrives.
        "refunds:approve": "Approve or reject refunds",
        "reviews:moderate": "Hide, remove and restore reviews; resolve takedown requests",
        "users:read": "List and read users",
        "users:manage": "Create, edit and deactivate users",
        "roles:manage": "Create and edit roles",
        "audit:read": "Read the audit log",
        "portal:access": "Use the customer portal",
        "vendor:access": "Use the vendor tools",
    },
    exports=(exports.USERS,),
    # Security kinds: never muted, and their bodies (credentials, links) appear in the mail alone, never in logs.
    notification_kinds=(NotificationKind("account.temporary_password", channels=("email",), mutable=False,
                                         description="A temporary password for one's account"),),
)

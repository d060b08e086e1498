"""Notifications and webhooks: telling people (in-app, Web Push, email) and other systems
(signed webhooks) what happened, each through delivery rows written in the business
transaction and sent after commit by one task per row (models.ops.deliveries;
docs/notifications.md)."""
from models.core.domain import Domain

DOMAIN = Domain(
    name="notify",
    depends_on=(),  # grows as its modules import: identity, ops, dispatch, crm
    permissions={
        "notifications:send": "Send notifications to the organization's users",
        "webhooks:manage": "Register, edit and replay webhooks",
    },
)

"""Notifications and webhooks: telling people (in-app, Web Push, email) and other systems
(signed webhooks) what happened, each through delivery rows written in the business
transaction and sent after commit by one task per row (models.ops.deliveries;
docs/notifications.md, docs/webhooks.md)."""
from models.core.domain import Domain
from models.core.webhook_events import WebhookEventType
from models.notify.webhook import WebhookEndpoint  # noqa: F401
from models.notify.webhook_delivery import TEST_EVENT, WebhookAttempt, WebhookDelivery  # noqa: F401

DOMAIN = Domain(
    name="notify",
    depends_on=("ops",),  # grows as its modules import: identity, ops, dispatch, crm
    permissions={
        "notifications:send": "Send notifications to the organization's users",
        "webhooks:manage": "Register, edit and replay webhooks",
    },
    webhook_events=(WebhookEventType(TEST_EVENT, None, dict, "A test event, sent by POST /admin/webhooks/{id}/test"),),
)

"""Notifications and webhooks: telling people (in-app, Web Push, email) and other systems
(signed webhooks) what happened, each through delivery rows written in the business
transaction and sent after commit by one task per row (models.ops.deliveries;
docs/notifications.md, docs/webhooks.md).

One module per aggregate: notification (the message and its status), delivery (a channel's
row and its attempts, and where each channel's targets are), device (push subscriptions),
receipts (push receipts from service workers), preferences, inbox, admin; `notify`
is what every domain calls; wiring turns other domains' events into notifications. Webhooks:
webhook (the endpoints), webhook_delivery (the fan-out of domain events, sending, the log)."""
from models.core.domain import Domain
from models.core.notification_kinds import NotificationKind
from models.core.webhook_events import WebhookEventType
from models.notify import notification, wiring  # noqa: F401  (wiring subscribes its handlers)
from models.notify.delivery import NotificationAttempt, NotificationDelivery  # noqa: F401
from models.notify.device import PushDevice  # noqa: F401
from models.notify.notification import Notification  # noqa: F401
from models.notify.preferences import NotificationPreference  # noqa: F401
from models.notify.webhook import WebhookEndpoint  # noqa: F401
from models.notify.webhook_delivery import TEST_EVENT, WebhookAttempt, WebhookDelivery  # noqa: F401

DOMAIN = Domain(
    name="notify",
    depends_on=("identity", "ops", "dispatch", "crm"),
    permissions={
        "notifications:send": "Send notifications to the organization's users",
        "webhooks:manage": "Register, edit and replay webhooks",
    },
    exports=(notification.EXPORT,),
    notification_kinds=(
        NotificationKind("admin.message", channels=("in_app", "push"),
                         description="A message from the organization's admins or dispatchers"),
        NotificationKind("webhook.endpoint_disabled", channels=("in_app", "email"),
                         description="A webhook endpoint was disabled after failing again and again"),
    ),
    webhook_events=(WebhookEventType(TEST_EVENT, None, dict, "A test event, sent by POST /admin/webhooks/{id}/test"),),
)

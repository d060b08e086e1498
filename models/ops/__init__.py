"""Operations: background jobs, the outbox, idempotency records, files, exports, backups."""
from models.core.domain import Domain
from models.core.notification_kinds import NotificationKind
from models.core.webhook_events import WebhookEventType
from models.ops.background_job import BackgroundJob, BackgroundJobChanged, progress_payload  # noqa: F401
from models.ops.idempotency import IdempotencyRecord  # noqa: F401
from models.ops.outbox import OutboxMessage  # noqa: F401

DOMAIN = Domain(
    name="ops",
    depends_on=("identity",),
    permissions={
        "exports:create": "Start data exports",
        "jobs:background": "Watch and cancel background work",
        "system:health": "Read system health",
        "system:backup": "Create and list backups",
        "system:restore": "Restore from a backup",
    },
    webhook_events=(WebhookEventType("job.progress", BackgroundJobChanged, progress_payload,
                                     "A background job (export, backup, restore...) started, progressed or ended"),),
    notification_kinds=(NotificationKind("background_job.finished", channels=("in_app",),
                                         description="An export or a backup one started has succeeded or failed"),),
)

"""What happens in the CRM, recorded by the domain and dispatched after commit (docs/events.md#domain-events)."""
from dataclasses import dataclass
from datetime import datetime

from models.core.events import DomainEvent
from models.core.webhook_events import WebhookEventType, iso


@dataclass(frozen=True)
class ActivityReminderDue(DomainEvent):
    """A scheduled call or meeting starts within the reminder's lead time: its assignee is to be
    reminded (once; models.crm.activity.send_due_reminders)."""

    organization_id: int
    activity_id: int
    assigned_to_id: int | None
    scheduled_at: datetime
    title: str


def reminder_due_payload(evt: ActivityReminderDue) -> dict:
    return {"activity_id": evt.activity_id, "assigned_to_id": evt.assigned_to_id,
            "scheduled_at": iso(evt.scheduled_at), "title": evt.title}


WEBHOOK_EVENTS = (
    WebhookEventType("crm.activity.reminder_due", ActivityReminderDue, reminder_due_payload,
                     "A scheduled call or meeting starts within its reminder's lead time"),
)

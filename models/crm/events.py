"""What happens in the CRM, recorded by the domain and dispatched after commit (docs/events.md#domain-events)."""
from dataclasses import dataclass
from datetime import datetime

from models.core.events import DomainEvent


@dataclass(frozen=True)
class ActivityReminderDue(DomainEvent):
    """A scheduled call or meeting starts within the reminder's lead time: its assignee is to be
    reminded (once; models.crm.activity.send_due_reminders)."""

    organization_id: int
    activity_id: int
    assigned_to_id: int | None
    scheduled_at: datetime
    title: str

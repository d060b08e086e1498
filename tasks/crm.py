"""CRM work behind the API: reminders of calls and meetings about to start."""
from celery import shared_task

from models.core.db import utcnow
from models.crm import activity
from tasks.retry import policy


# Not retried: beat runs it again within a minute, and what it claimed is committed or not at all.
@shared_task(name="crm.send_activity_reminders", ignore_result=True, **policy(time_limit=50, retry_on=()))
def send_activity_reminders() -> dict:
    """Every organization's scheduled calls and meetings starting within 15 minutes, each announced
    once (ActivityReminderDue, after commit; docs/events.md#domain-events)."""
    return {"reminded": activity.send_due_reminders(utcnow())}

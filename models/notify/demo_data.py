"""The demo organization's notifications: a few messages from the dispatcher to each demo user,
some read, and one scheduled for tomorrow morning (web/cli.py seed-demo). Written through
`notify`, in the caller's transaction, acting in the organization."""
from datetime import timedelta

from models.core import context
from models.core.db import utcnow
from models.notify.admin import ADMIN_MESSAGE
from models.notify.notify import notify

MESSAGES = (
    ("Welcome to FieldOps", "Your account is ready: the dispatch board, jobs and the CRM are one click away.", True),
    ("Safety briefing on Friday", "Friday 8:00 at the depot: ladders, lock-out and winter driving.", False),
    ("New van assignments", "Vans 3 and 5 are back from service; check the board for who takes which.", False),
)


def seed_notifications(organization_id: int, *, users, sender=None) -> int:
    """Notify each of `users` (rows) of MESSAGES, the first already read, and schedule one reminder;
    returns how many notifications were written."""
    now, written = utcnow(), []
    sender_id = sender.id if sender is not None else None
    with context.acting_as(organization_id=organization_id):
        for title, body, read in MESSAGES:
            sent = notify(list(users), ADMIN_MESSAGE, title, body, channels=["in_app"], created_by=sender_id)
            for notification in sent:
                notification.read_at = now if read else None
            written += sent
        written += notify(list(users), ADMIN_MESSAGE, "Quarterly inspections start", "Plan the first week today.",
                          channels=["in_app"], send_at=now + timedelta(days=1), created_by=sender_id)
    return len(written)

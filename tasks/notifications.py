"""Notification deliveries: one task per delivery row (models.notify.delivering), on the
notifications queue, and beat's reclaim of deliveries whose worker died while sending them.
Retries are the delivery seam's (DELIVERY_RETRY_SCHEDULE), not Celery's."""
from celery import shared_task
from flask import current_app

from models.integrations import registry
from models.notify import delivering
from models.notify.delivery import TASK, NotificationDelivery
from models.ops import deliveries
from tasks import beat
from tasks.retry import policy

RECLAIM = "notifications.reclaim_stuck"
DEFAULT_SCHEDULE = "10,60,300,1800,7200"


def _ports() -> delivering.Ports:
    config = current_app.config
    return delivering.Ports(mailer=lambda: registry.mailer(config), push_sender=lambda: registry.push_sender(config))


@shared_task(name=TASK, ignore_result=True, **policy(time_limit=60, retry_on=()))
def deliver(delivery_id: int) -> str | None:
    """Send one notification delivery (email, push, or a scheduled in-app one) once; nothing when it
    is sent, being sent, cancelled or not due (a message for an earlier schedule)."""
    return delivering.deliver(delivery_id, _ports(), deliveries.schedule_setting("DELIVERY_RETRY_SCHEDULE",
                                                                                 DEFAULT_SCHEDULE))


@beat.only_when(RECLAIM)
def _a_delivery_is_stuck() -> bool:
    return deliveries.has_stuck(NotificationDelivery)


# Not retried: beat runs it again within the minute.
@shared_task(name=RECLAIM, ignore_result=True, **policy(time_limit=60, retry_on=()))
def reclaim_stuck() -> int:
    """Queue again the deliveries left sending longer than the broker's visibility timeout (their worker died)."""
    return deliveries.reclaim_stuck(NotificationDelivery, TASK)

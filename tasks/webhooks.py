"""Webhook deliveries, one task per row through the delivery seam (models.ops.deliveries;
docs/webhooks.md): claimed, attempted once, settled; a retry is the seam's (enqueued for later
through the outbox), never Celery's."""
from celery import shared_task

from models.core import context, settings
from models.core.db import db
from models.integrations.webhook_http import WebhookHttpSender
from models.notify import webhook_delivery
from models.notify.webhook_delivery import DELIVER_TASK, WebhookDelivery
from models.ops import deliveries
from tasks.beat import only_when
from tasks.retry import policy

RECLAIM_TASK = "webhooks.reclaim_stuck"


def sender() -> WebhookHttpSender:
    return WebhookHttpSender(allow_http=bool(settings.get("WEBHOOK_ALLOW_HTTP", False)),
                             allow_private=bool(settings.get("WEBHOOK_ALLOW_PRIVATE", False)))


# The request times out after 10 s; the limit leaves room for DNS, TLS and the bookkeeping.
@shared_task(name=DELIVER_TASK, ignore_result=True, **policy(time_limit=45, retry_on=()))
def deliver(delivery_id: int) -> str | None:
    if not deliveries.claim(WebhookDelivery, delivery_id):
        return None  # sent, failed, held by another delivery of this message, or not due yet
    delivery = deliveries.load(WebhookDelivery, delivery_id)
    with context.acting_as(organization_id=delivery.organization_id):
        status = webhook_delivery.attempt(delivery, sender())
        db.session.flush()  # while its organization is bound: what it wrote is stamped and audited as such
        return status


@only_when(RECLAIM_TASK)
def _any_stuck() -> bool:
    return deliveries.has_stuck(WebhookDelivery)


@shared_task(name=RECLAIM_TASK, ignore_result=True, **policy(time_limit=60, retry_on=()))
def reclaim_stuck() -> dict:
    """Deliveries whose worker died while sending them: queued and sent again."""
    return {"reclaimed": deliveries.reclaim_stuck(WebhookDelivery, DELIVER_TASK)}

"""One delivery's attempt, as the task `notifications.deliver` runs it (models.ops.deliveries):
claim the row (the lock), send it by its channel's sender (`SENDERS`), record the attempt, settle
the row (retried later from `schedule`, or sent, expired or failed), and bring the notification's
status in step. In-app deliveries reach the task only when they were scheduled: sending one puts
it in the inbox and announces it. A push goes to its device (`target`); a device the push service
says is gone is deactivated, and its delivery `expired`."""
import time
from collections.abc import Callable
from dataclasses import dataclass

from models.core import context, notification_kinds
from models.core.db import db, utcnow
from models.core.ports import FAILED, GONE, SENT, Mailer, PushSender, PushSubscription, SendResult
from models.notify import device as devices, receipts
from models.notify.delivery import EMAIL, EXPIRED, IN_APP, PUSH, TASK, NotificationAttempt, NotificationDelivery
from models.notify.email import message_of
from models.notify.notify import announce
from models.notify.notification import Notification, follow
from models.ops import deliveries


@dataclass(frozen=True)
class Ports:
    """The adapters a send may need, built only when one is (the task picks them by configuration)."""

    mailer: Callable[[], Mailer]
    push_sender: Callable[[], PushSender]


def deliver(delivery_id: int, ports: Ports, schedule: tuple[float, ...]) -> str | None:
    """Attempt the delivery once, in the caller's unit of work; its new status, or None when it
    was not this attempt's to make (sent, sending elsewhere, cancelled, or not due yet)."""
    if not deliveries.claim(NotificationDelivery, delivery_id):
        return None
    delivery = deliveries.load(NotificationDelivery, delivery_id)
    with context.acting_as(organization_id=delivery.organization_id):
        notification = delivery.notification
        started = time.monotonic()
        result = SENDERS[delivery.channel](delivery, notification, ports)
        elapsed = result.duration_ms if result.duration_ms is not None else int((time.monotonic() - started) * 1000)
        db.session.add(NotificationAttempt(delivery_id=delivery.id, outcome=result.outcome,
                                           response_status=result.response_status,
                                           error=result.error[:2000] if result.error else None, duration_ms=elapsed))
        status = deliveries.settle(delivery, result, schedule=schedule, task_name=TASK, gone_status=EXPIRED)
        if delivery.channel == PUSH:
            _push_settled(delivery, result)
        follow(notification)
        if delivery.channel == IN_APP and status == SENT:
            announce(notification)
        db.session.flush()
    return status


def _in_app(delivery: NotificationDelivery, notification: Notification, ports: Ports) -> SendResult:
    return SendResult(SENT)


def _email(delivery: NotificationDelivery, notification: Notification, ports: Ports) -> SendResult:
    if not delivery.target:
        return SendResult(FAILED, error="no email address to send to")
    return ports.mailer().send(message_of(notification, delivery.target))


def push_subscription(delivery: NotificationDelivery) -> PushSubscription | None:
    """The Web Push subscription of the delivery's device (`target`), or None once it is gone
    (deactivated or removed)."""
    device = devices.active(delivery.target)
    return device.subscription if device else None


def push_payload(delivery: NotificationDelivery, notification: Notification) -> dict:
    """What the service worker gets, encrypted for its device: what to show, and what to post back
    to POST /notifications/receipts."""
    return {"notificationId": notification.id, "deliveryId": delivery.id, "title": notification.title,
            "body": notification.body, "url": notification.url, "receiptToken": receipts.token_for(delivery.id)}


def _push(delivery: NotificationDelivery, notification: Notification, ports: Ports) -> SendResult:
    if delivery.delivered_at is not None:  # its receipt came, though the push service's answer said retry
        return SendResult(SENT)
    subscription = push_subscription(delivery)
    if subscription is None:
        return SendResult(GONE, error="the device is no longer registered")
    refusal = devices.refusal_of(subscription.endpoint)
    if refusal:
        return SendResult(FAILED, error=f"Not sent: {refusal}")
    kind = notification_kinds.get(notification.kind)
    return ports.push_sender().send(subscription, push_payload(delivery, notification), ttl=kind.push_ttl,
                                    urgency="high" if notification.priority == "high" else "normal")


def _push_settled(delivery: NotificationDelivery, result: SendResult) -> None:
    if result.outcome == GONE:
        device = devices.active(delivery.target)
        if device is not None:
            devices.deactivate(device, f"{devices.GONE_REASON} ({result.response_status})")
    elif result.outcome == SENT:
        device = devices.active(delivery.target)
        if device is not None:
            device.last_used_at = utcnow()
        db.session.flush()
        receipts.promote(delivery)


# channel -> sender(delivery, notification, ports) -> SendResult
SENDERS: dict[str, Callable[[NotificationDelivery, Notification, Ports], SendResult]] = {
    IN_APP: _in_app, EMAIL: _email, PUSH: _push}

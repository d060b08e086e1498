"""What happens on the marketplace, recorded by the domain and relayed after commit
(sockets.marketplace_relay; docs/events.md#marketplace). The `*_payload` functions are what the
Socket.IO events and the webhooks of the same name carry."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from models.core.events import DomainEvent
from models.core.webhook_events import WebhookEventType, iso


@dataclass(frozen=True)
class BookingUpdated(DomainEvent):
    """A booking moved from one status to another."""
    organization_id: int
    booking_id: int
    booking_number: str
    old_status: str | None
    new_status: str
    updated_by: int | None
    consumer_id: int
    vendor_id: int
    timestamp: datetime


@dataclass(frozen=True)
class RefundUpdated(DomainEvent):
    """A refund was requested or changed status."""
    organization_id: int
    refund_id: int
    booking_id: int
    status: str
    amount: Decimal
    currency: str
    consumer_id: int


@dataclass(frozen=True)
class TakedownChanged(DomainEvent):
    organization_id: int
    request_id: int
    review_id: int
    vendor_id: int
    status: str
    priority: str


class TakedownCreated(TakedownChanged):
    """A vendor filed a takedown request."""


class TakedownResolved(TakedownChanged):
    """A moderator accepted or rejected a takedown request."""


def booking_payload(evt: BookingUpdated) -> dict:
    return {"booking_id": evt.booking_id, "booking_number": evt.booking_number, "old_status": evt.old_status,
            "new_status": evt.new_status, "updated_by": evt.updated_by, "timestamp": iso(evt.timestamp)}


def refund_payload(evt: RefundUpdated) -> dict:
    return {"refund_id": evt.refund_id, "booking_id": evt.booking_id, "status": evt.status, "amount": evt.amount,
            "currency": evt.currency}


def takedown_payload(evt: TakedownChanged) -> dict:
    return {"request_id": evt.request_id, "review_id": evt.review_id, "vendor_id": evt.vendor_id,
            "status": evt.status, "priority": evt.priority}


WEBHOOK_EVENTS = (
    WebhookEventType("booking.updated", BookingUpdated, booking_payload, "A booking changed status"),
    WebhookEventType("refund.updated", RefundUpdated, refund_payload, "A refund was requested or changed status"),
    WebhookEventType("takedown.created", TakedownCreated, takedown_payload, "A vendor filed a takedown request"),
    WebhookEventType("takedown.resolved", TakedownResolved, takedown_payload,
                     "A takedown request was accepted or rejected"),
)

"""Webhook deliveries: one row per event per subscribed endpoint, written in the transaction of
the change (an in-transaction subscriber), sent after commit by `webhooks.deliver` through the
delivery seam (models.ops.deliveries), each attempt a row of the delivery log (docs/webhooks.md).

An endpoint counts its deliveries that end failed in a row; at `WEBHOOK_DISABLE_AFTER` it is
disabled and `WebhookEndpointDisabled` recorded (the organization's admins are to be told)."""
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from standardwebhooks.webhooks import Webhook

from models.core import events, settings
from models.core import webhook_events as catalogue
from models.core.db import db, utcnow
from models.core.errors import Conflict
from models.core.listing import ListSpec, any_of
from models.core.ports import FAILED, SENT, HttpSender, SendResult
from models.core.tenancy import TenantScoped
from models.notify.webhook import DISABLED_BY_FAILURES, WebhookEndpoint, subscribed
from models.ops import deliveries, outbox
from models.ops.deliveries import QUEUED, SENDING, DeliveryState

DELIVER_TASK = "webhooks.deliver"
TEST_EVENT = "webhook.test"
TIMEOUT_SECONDS = 10
BODY_KEPT = 4096
DEFAULT_SCHEDULE = "5,300,1800,7200,18000,36000,57600,86400"
DEFAULT_DISABLE_AFTER = 50
STATUSES = (QUEUED, SENDING, SENT, FAILED)
_ENDPOINTS = "fieldops_webhook_endpoints"  # session.info: {organization id: its active endpoints}, per transaction


class WebhookDelivery(DeliveryState, TenantScoped, db.Model):
    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), nullable=False)
    event_type: Mapped[str] = mapped_column(String(100), nullable=False)
    event_id: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)  # the `webhook-id`
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)  # {type, timestamp, data}
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    attempt_log = relationship("WebhookAttempt", order_by="WebhookAttempt.id", lazy="selectin",
                               back_populates="delivery")

    # The log of work in flight stays out of backups (models.ops.backup_tables): a restored queued row would
    # have no task to send it. So the endpoints are restored in place, their deliveries kept.
    __table_args__ = (db.Index("ix_webhook_deliveries_endpoint_created", "endpoint_id", "created_at", "id"),
                      {"info": {"backup": False}})

    @property
    def body(self) -> bytes:
        """The exact bytes posted and signed, the same at every attempt."""
        return json.dumps(self.payload, separators=(",", ":"), ensure_ascii=False).encode()


class WebhookAttempt(TenantScoped, db.Model):
    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True,
                                             nullable=False)
    attempted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    request_headers: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)  # as sent; never the secret
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)  # the first 4 KB
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)

    delivery = relationship(WebhookDelivery, back_populates="attempt_log")

    __table_args__ = ({"info": {"backup": False}},)


@dataclass(frozen=True)
class WebhookEndpointDisabled(events.DomainEvent):
    """Disabled after too many failed deliveries in a row: the organization's admins are to be told."""

    organization_id: int
    endpoint_id: int
    url: str
    consecutive_failures: int
    reason: str


def new_event_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def schedule() -> tuple[float, ...]:
    return deliveries.schedule_setting("WEBHOOK_RETRY_SCHEDULE", DEFAULT_SCHEDULE)


# --- writing deliveries (the business transaction) ------------------------------

def _active_endpoints(session, organization_id: int) -> list[WebhookEndpoint]:
    """One indexed query per organization per transaction, however many events it records."""
    known = session.info.setdefault(_ENDPOINTS, {})
    if organization_id not in known:
        known[organization_id] = session.scalars(
            select(WebhookEndpoint).where(WebhookEndpoint.organization_id == organization_id,
                                          WebhookEndpoint.is_active.is_(True))
            .execution_options(all_tenants=True)).all()
    return known[organization_id]


def _write(session, endpoint: WebhookEndpoint, event_type: str, data: dict) -> WebhookDelivery:
    delivery = WebhookDelivery(organization_id=endpoint.organization_id, endpoint_id=endpoint.id,
                               event_type=event_type, event_id=new_event_id(),
                               payload={"type": event_type, "timestamp": catalogue.iso(utcnow()), "data": data})
    session.add(delivery)
    session.flush()
    outbox.enqueue_in(session, DELIVER_TASK, [delivery.id], {})
    return delivery


def fan_out(evt: events.DomainEvent, session) -> None:
    """In-transaction subscriber of every declared event class: a delivery per subscribed endpoint."""
    types = catalogue.of_event(type(evt))
    organization_id = getattr(evt, "organization_id", None)
    if not types or organization_id is None:
        return
    for endpoint in _active_endpoints(session, organization_id):
        for event_type in types:
            if subscribed(endpoint, event_type.name):
                _write(session, endpoint, event_type.name, event_type.payload(evt))


def subscribe_declared_events() -> None:
    """Once the domains have declared their event types (models.domains, after install)."""
    for event_class in catalogue.event_classes():
        events.subscribe_in_transaction(event_class, fan_out)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_endpoints(session):
    session.info.pop(_ENDPOINTS, None)


def send_test(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A `webhook.test` delivery to this endpoint alone (POST /admin/webhooks/{id}/test)."""
    if not endpoint.is_active:
        raise Conflict("The endpoint is disabled: enable it first (PATCH is_active: true)")
    return _write(db.session, endpoint, TEST_EVENT, {"endpoint_id": endpoint.id,
                                                      "message": "A test event from FieldOps"})


def replay(delivery: WebhookDelivery) -> WebhookDelivery:
    """One more attempt now, with the same `webhook-id` (the receiver may de-duplicate on it)."""
    if delivery.status in (QUEUED, SENDING):
        raise Conflict(f"The delivery is {delivery.status}: it is not replayed until it ends",
                       status=delivery.status)
    deliveries.send_again(delivery, DELIVER_TASK)
    return delivery


# --- sending (webhooks.deliver, after claim) ------------------------------------

def signed_headers(delivery: WebhookDelivery, secret: str, at: datetime) -> dict:
    signature = Webhook(secret).sign(delivery.event_id, at, delivery.body.decode())
    return {"content-type": "application/json", "webhook-id": delivery.event_id,
            "webhook-timestamp": str(int(at.timestamp())), "webhook-signature": signature}


def attempt(delivery: WebhookDelivery, sender: HttpSender) -> str:
    """One attempt of a claimed delivery, recorded; its new status (the seam's `settle`)."""
    endpoint = db.session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.id == delivery.endpoint_id)
                                  .execution_options(include_deleted=True)).one_or_none()
    if endpoint is None or endpoint.deleted_at is not None or not endpoint.is_active:
        why = "deleted" if endpoint is None or endpoint.deleted_at is not None else "disabled"
        return deliveries.settle(delivery, SendResult(FAILED, error=f"Not sent: the endpoint is {why}"),
                                 schedule=(), task_name=DELIVER_TASK)
    at = utcnow()
    result = sender.post(endpoint.url, delivery.body, signed_headers(delivery, endpoint.secret, at),
                         timeout=TIMEOUT_SECONDS)
    db.session.add(WebhookAttempt(organization_id=delivery.organization_id, delivery_id=delivery.id,
                                  attempted_at=at, outcome=result.outcome, request_headers=result.request_headers,
                                  response_status=result.response_status,
                                  response_body=(result.response_body or "")[:BODY_KEPT] or None,
                                  duration_ms=result.duration_ms, error=result.error))
    status = deliveries.settle(delivery, result, schedule=schedule(), task_name=DELIVER_TASK)
    if status == SENT:
        db.session.execute(update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint.id)
                           .values(consecutive_failures=0).execution_options(synchronize_session=False))
    elif status == FAILED:
        _count_failure(endpoint)
    return status


def _count_failure(endpoint: WebhookEndpoint) -> None:
    """One more delivery failed for good in a row (the row locked, so concurrent ones add up)."""
    db.session.execute(update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint.id)
                       .values(consecutive_failures=WebhookEndpoint.consecutive_failures + 1)
                       .execution_options(synchronize_session=False))
    db.session.refresh(endpoint, with_for_update=True)
    limit = int(settings.get("WEBHOOK_DISABLE_AFTER", DEFAULT_DISABLE_AFTER))
    if endpoint.is_active and endpoint.consecutive_failures >= limit:
        reason = f"{endpoint.consecutive_failures} deliveries in a row failed"
        endpoint.is_active, endpoint.disabled_reason, endpoint.disabled_at = False, reason, utcnow()
        events.record(WebhookEndpointDisabled(endpoint.organization_id, endpoint.id, endpoint.url,
                                              endpoint.consecutive_failures, DISABLED_BY_FAILURES))


DELIVERIES = ListSpec(
    sortable={"created_at": WebhookDelivery.created_at}, default_sort="-created_at", id=WebhookDelivery.id,
    ids_descending=True,
    filters={"status": any_of(WebhookDelivery.status, STATUSES),
             "event": any_of(WebhookDelivery.event_type, description="of these event types")},
    search=(WebhookDelivery.event_id, WebhookDelivery.event_type),
)

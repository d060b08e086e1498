"""Webhook endpoints: where an organization has its events POSTed, signed with the endpoint's
secret (Standard Webhooks; docs/webhooks.md). Its deliveries are models.notify.webhook_delivery.

The secret is kept as the receiver verifies with it (`whsec_` and base64): the server signs with
it, so it is stored as is; an API answer shows it only when it is made (create, rotate), and the
audit log never holds it."""
import base64
import secrets
from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.core import settings
from models.core import webhook_events as catalogue
from models.core.audit import Audited
from models.core.db import Timestamped, db, utcnow
from models.core.errors import ValidationFailed
from models.core.listing import ListSpec, equal_to
from models.core.tenancy import SoftDeletable, TenantScoped, live_index
from models.integrations.outbound_url import RefusedUrl, check

MAX_EVENTS = 100
DISABLED_BY_FAILURES = "failures"


class WebhookEndpoint(Audited, TenantScoped, SoftDeletable, Timestamped, db.Model):
    __tablename__ = "webhook_endpoints"
    __audit_exclude__ = frozenset({"secret"})

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), nullable=False)
    events: Mapped[list] = mapped_column(JSON, nullable=False, default=list)  # names and patterns (`job.*`)
    description: Mapped[str | None] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(100), nullable=False)
    secret_rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # audited; the secret is not
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        live_index("ix_webhook_endpoints_org_active", "organization_id", "is_active"),
        live_index("ix_webhook_endpoints_org_created", "organization_id", "created_at", "id"),
    )


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def allow_http() -> bool:
    return bool(settings.get("WEBHOOK_ALLOW_HTTP", False))


def allow_private() -> bool:
    return bool(settings.get("WEBHOOK_ALLOW_PRIVATE", False))


def checked_url(url: str) -> str:
    try:
        check(url, allow_http=allow_http(), allow_private=allow_private())
    except RefusedUrl as exc:
        raise ValidationFailed("The URL may not receive webhooks", url=[str(exc)]) from exc
    return url


def checked_events(names: list[str]) -> list[str]:
    names = list(dict.fromkeys(names))
    if not names:
        raise ValidationFailed("Subscribe to at least one event type", events=["name at least one event type"])
    strangers = catalogue.unknown(names)
    if strangers:
        raise ValidationFailed("Unknown event types", events=[
            f"{name!r} is no event type (GET /admin/webhooks/event-types lists them)" for name in strangers])
    return names


def create_endpoint(fields: dict, *, actor_id: int | None) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(url=checked_url(fields["url"]), events=checked_events(fields["events"]),
                               description=fields.get("description"), secret=new_secret(), created_by_id=actor_id)
    db.session.add(endpoint)
    db.session.flush()
    return endpoint


def update_endpoint(endpoint: WebhookEndpoint, changes: dict) -> WebhookEndpoint:
    """PATCH: `is_active: true` re-enables a disabled endpoint, its failures forgotten."""
    if "url" in changes:
        endpoint.url = checked_url(changes["url"])
    if "events" in changes:
        endpoint.events = checked_events(changes["events"])
    if "description" in changes:
        endpoint.description = changes["description"]
    if "is_active" in changes:
        if changes["is_active"] and not endpoint.is_active:
            endpoint.consecutive_failures, endpoint.disabled_reason, endpoint.disabled_at = 0, None, None
        elif not changes["is_active"] and endpoint.is_active:
            endpoint.disabled_reason, endpoint.disabled_at = "disabled by a user", utcnow()
        endpoint.is_active = changes["is_active"]
    endpoint.updated_at = utcnow()
    return endpoint


def rotate_secret(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret at once: deliveries sent from now on are signed with it, retries included."""
    endpoint.secret = new_secret()
    endpoint.secret_rotated_at = endpoint.updated_at = utcnow()
    return endpoint


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    endpoint.soft_delete()


def subscribed(endpoint: WebhookEndpoint, event_type: str) -> bool:
    return any(catalogue.matches(pattern, event_type) for pattern in endpoint.events or ())


ENDPOINTS = ListSpec(
    sortable={"created_at": WebhookEndpoint.created_at, "url": WebhookEndpoint.url},
    default_sort="-created_at", id=WebhookEndpoint.id, ids_descending=True,
    filters={"is_active": equal_to(WebhookEndpoint.is_active, type=bool, description="active or disabled")},
    search=(WebhookEndpoint.url, WebhookEndpoint.description),
)

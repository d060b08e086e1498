"""The webhook event types: the domain events other systems may subscribe to, each named as on
Socket.IO (`job.status.updated`), declared by its domain (`Domain.webhook_events`) and filled in
by `models.core.domain.install` (docs/webhooks.md#event-types).

An endpoint subscribes to names, or to patterns of them: `job.*` (every name under `job.`) or `*`."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone


@dataclass(frozen=True)
class WebhookEventType:
    name: str  # as on Socket.IO: `job.status.updated`
    event: type | None  # the DomainEvent class it is made from; None for one made by hand (`webhook.test`)
    payload: Callable  # event -> the JSON-able `data` of the webhook, what the Socket.IO event carries
    description: str


_TYPES: dict[str, WebhookEventType] = {}


def register(event_type: WebhookEventType) -> None:
    if event_type.name in _TYPES:
        raise ValueError(f"webhook event type {event_type.name!r} is declared twice")
    _TYPES[event_type.name] = event_type


def event_types() -> list[WebhookEventType]:
    """Every declared type, by name."""
    return [_TYPES[name] for name in sorted(_TYPES)]


def of_event(event_class: type) -> list[WebhookEventType]:
    return [t for t in _TYPES.values() if t.event is event_class]


def event_classes() -> set[type]:
    return {t.event for t in _TYPES.values() if t.event is not None}


def matches(pattern: str, name: str) -> bool:
    """`*` matches every name, `job.*` every name under `job.`, anything else only itself."""
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return name.startswith(pattern[:-1])
    return pattern == name


def unknown(patterns: list[str]) -> list[str]:
    """The patterns that match no declared type (a typo, or a type that does not exist)."""
    return [p for p in patterns if not any(matches(p, name) for name in _TYPES)]


def iso(moment: datetime) -> str:
    """A moment as events carry it: UTC, ISO 8601, `Z`."""
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")

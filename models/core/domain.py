"""What a domain package brings, declared once in its `__init__.py`:

    DOMAIN = Domain(name="dispatch", depends_on=("identity", "ops"),
                    permissions={"jobs:read": "See every job of the organization", ...},
                    exports=(JOBS, CUSTOMERS), rollups=(),
                    notification_kinds=(NotificationKind("job.assigned", channels=("in_app", "push")),))

`models.domains.DOMAINS` lists the domains, and `install` fills the kernel's registries
from them: the permission catalog (models.core.permissions), the export registry
(models.core.exports), the rollup registry (models.core.rollups), the webhook event types
(models.core.webhook_events) and the notification kinds (models.core.notification_kinds). So no domain
imports another to register itself (docs/architecture.md)."""
from collections.abc import Mapping
from dataclasses import dataclass, field

from models.core import exports as export_registry, notification_kinds as kind_registry, permissions as catalog
from models.core import rollups as rollup_registry, webhook_events as webhook_registry


@dataclass(frozen=True)
class Domain:
    name: str
    depends_on: tuple[str, ...] = ()  # the domains this one imports (the import contracts hold it to that)
    permissions: Mapping[str, str] = field(default_factory=dict)  # name -> what it lets its holder do
    exports: tuple[export_registry.ExportSpec, ...] = ()
    rollups: tuple[rollup_registry.Rollup, ...] = ()
    webhook_events: tuple[webhook_registry.WebhookEventType, ...] = ()  # what other systems may subscribe to
    notification_kinds: tuple[kind_registry.NotificationKind, ...] = ()  # what it may tell people


def install(domains: tuple[Domain, ...]) -> None:
    """Fill the registries from `domains`, each after the domains it depends on (models.domains
    does, once; a second time would declare everything twice, which the registries refuse)."""
    seen: set[str] = set()
    for domain in domains:
        missing = [name for name in domain.depends_on if name not in seen]
        if missing:
            raise ValueError(f"domain {domain.name!r} depends on {missing}, which must come before it in DOMAINS")
        seen.add(domain.name)
        catalog.declare(domain.permissions)
        for spec in domain.exports:
            export_registry.register(spec)
        for rollup in domain.rollups:
            rollup_registry.register(rollup)
        for event_type in domain.webhook_events:
            webhook_registry.register(event_type)
        for kind in domain.notification_kinds:
            kind_registry.register(kind)

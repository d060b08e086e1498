"""The domains, each after the ones it builds on. Their declarations (models.core.domain)
fill the permission catalog, the export registry and the rollup registry. The floors above
find or name each domain's parts in one place each: blueprints (every module of web.api),
task modules (tasks.TASK_MODULES, by domain name), relays (sockets/<name>_relay.py, imported
by sockets/__init__.py); docs/architecture.md."""
from models import analytics, crm, dispatch, identity, marketplace, notify, ops, vendors
from models.core import domain

DOMAINS = (identity.DOMAIN, ops.DOMAIN, vendors.DOMAIN, dispatch.DOMAIN, analytics.DOMAIN, crm.DOMAIN,
           notify.DOMAIN, marketplace.DOMAIN)

domain.install(DOMAINS)
notify.webhook_delivery.subscribe_declared_events()  # the event types are declared now


def modules_of(parts: dict[str, tuple[str, ...]], package: str) -> list[str]:
    """The modules `parts` names ({domain name: modules of `package`}), in the order of DOMAINS."""
    names = [d.name for d in DOMAINS]
    strangers = sorted(set(parts) - set(names))
    if strangers:
        raise ValueError(f"{package}: parts declared for unknown domains {strangers}")
    return [f"{package}.{module}" for name in names for module in parts.get(name, ())]

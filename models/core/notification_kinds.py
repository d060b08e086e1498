"""The notification kind registry: what each domain declares it may tell people
(models.core.domain), as

    NotificationKind("job.assigned", channels=("in_app", "push"), push_ttl=3600,
                     description="A job was assigned to the technician")

in the `notification_kinds` of its `DOMAIN`. A kind names its default channels (a caller of
models.notify's `notify` may pick others; the recipient's preferences filter both), whether a
recipient may mute it (security kinds, such as temporary credentials, may not), how long a push
service keeps an undelivered push (TTL), and where its email templates are: `<name>.txt` and
`<name>.html` (Jinja2) in `templates` (a directory; models/notify/templates by default), or
the generic pair there when it has none. docs/notifications.md"""
from dataclasses import dataclass

CHANNELS = ("in_app", "push", "email")


@dataclass(frozen=True)
class NotificationKind:
    name: str  # "<domain or subject>.<what happened>", as the API and the preferences spell it
    channels: tuple[str, ...] = ("in_app",)  # the default channels
    mutable: bool = True  # may a recipient mute it (preferences' muted_kinds)
    push_ttl: int = 24 * 60 * 60  # seconds a push service keeps it for an offline device
    templates: str | None = None  # the directory of its email templates (None: models/notify/templates)
    description: str = ""


_kinds: dict[str, NotificationKind] = {}


def register(kind: NotificationKind) -> NotificationKind:
    if kind.name in _kinds:
        raise ValueError(f"notification kind {kind.name!r} is declared twice")
    unknown = sorted(set(kind.channels) - set(CHANNELS))
    if unknown:
        raise ValueError(f"notification kind {kind.name!r} names unknown channels {unknown}")
    _kinds[kind.name] = kind
    return kind


def get(name: str) -> NotificationKind:
    """The declared kind; KeyError for a name no domain declared (a programming error)."""
    return _kinds[name]


def kinds() -> list[NotificationKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.name)


def mutable_names() -> list[str]:
    return [kind.name for kind in kinds() if kind.mutable]

"""A notification as an email: its kind's Jinja2 templates (`<kind>.txt` and `<kind>.html`, in
the kind's `templates` directory or here, in templates/), or the generic pair. The HTML is
autoescaped; the subject is the title. What a mail says (a temporary password, a link) is
handed to the mailer and never logged."""
import os
from functools import lru_cache

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, TemplateNotFound, select_autoescape

from models.core import notification_kinds
from models.core.ports import MailMessage

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
GENERIC = "generic"


@lru_cache(maxsize=64)
def _environment(directory: str | None) -> Environment:
    loaders = [FileSystemLoader(directory)] if directory else []
    return Environment(loader=ChoiceLoader([*loaders, FileSystemLoader(TEMPLATES)]),
                       autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
                       keep_trailing_newline=True)


def _render(environment: Environment, kind: str, extension: str, values: dict) -> str:
    try:
        template = environment.get_template(f"{kind}.{extension}")
    except TemplateNotFound:
        template = environment.get_template(f"{GENERIC}.{extension}")
    return template.render(**values)


def message_of(notification, to: str) -> MailMessage:
    """The mail of `notification` to the address `to`."""
    kind = notification_kinds.get(notification.kind)
    environment = _environment(kind.templates)
    recipient = notification.recipient
    values = {"title": notification.title, "body": notification.body, "url": notification.url,
              "data": notification.data or {}, "kind": notification.kind,
              "recipient_name": recipient.name if recipient is not None else None}
    return MailMessage(to=to, subject=notification.title, text=_render(environment, notification.kind, "txt", values),
                       html=_render(environment, notification.kind, "html", values),
                       headers={"X-FieldOps-Notification": str(notification.id)})

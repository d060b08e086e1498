"""JSON logs on stdout, each line carrying the request id of the request or task it
belongs to. Web, worker and beat log through this one handler (docs/operations.md)."""
import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from models.core import context


class ActorFilter(logging.Filter):
    def filter(self, record):
        actor = context.current()
        record.request_id = actor.request_id
        record.organization_id = actor.organization_id
        record.user_id = actor.user_id
        return True


def _handler() -> logging.Handler | None:
    return next((h for h in logging.getLogger().handlers if getattr(h, "_fieldops", False)), None)


def configure_logging(level: str | int = "INFO", filters: tuple[logging.Filter, ...] = ()) -> None:
    """Install the JSON handler on the root logger (once), add `filters` to it (each
    kind once: they add fields to every line), and set the root level."""
    root = logging.getLogger()
    handler = _handler()
    if handler is None:
        handler = logging.StreamHandler(sys.stdout)
        handler._fieldops = True
        handler.addFilter(ActorFilter())
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(organization_id)s %(user_id)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
        root.addHandler(handler)
    for extra in filters:
        if not any(type(existing) is type(extra) for existing in handler.filters):
            handler.addFilter(extra)
    root.setLevel(level)

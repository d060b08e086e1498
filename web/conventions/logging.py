"""JSON logs on stdout, each line carrying the request id of the request or task it belongs to."""
import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from models import context


class ActorFilter(logging.Filter):
    def filter(self, record):
        actor = context.current()
        record.request_id = actor.request_id
        record.organization_id = actor.organization_id
        record.user_id = actor.user_id
        return True


def configure_logging(level: str = "INFO") -> None:
    root = logging.getLogger()
    if any(getattr(h, "_fieldops", False) for h in root.handlers):
        return
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
    root.setLevel(level)

"""Domain events: recorded on the session during a unit of work, dispatched to
subscribers only after the transaction commits. A rollback drops them."""
import logging
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session

from models.core.db import db

log = logging.getLogger(__name__)

_PENDING = "fieldops_pending_events"
_subscribers: dict[type, list] = defaultdict(list)


@dataclass(frozen=True)
class DomainEvent:
    """Base class; subclasses are frozen dataclasses carrying ids and values.

    An event with a `coalesce_key` replaces a pending one with the same key, so
    a transaction that touches a thing five times announces it once, last state."""

    @property
    def coalesce_key(self):
        return None


def record(evt: DomainEvent, session=None) -> None:
    pending = (session or db.session()).info.setdefault(_PENDING, [])
    key = evt.coalesce_key
    if key is not None:
        pending[:] = [e for e in pending if e.coalesce_key != key]
    pending.append(evt)


def subscribe(event_type: type, handler) -> None:
    if handler not in _subscribers[event_type]:
        _subscribers[event_type].append(handler)


def dispatch(evt: DomainEvent) -> None:
    for event_type in type(evt).__mro__:
        for handler in _subscribers.get(event_type, ()):
            try:
                handler(evt)
            except Exception:  # one failing subscriber must not starve the others
                log.exception("event handler %s failed for %r", handler, evt)


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session):
    pending = session.info.pop(_PENDING, [])
    for evt in pending:
        dispatch(evt)


@event.listens_for(Session, "after_rollback")
def _drop_on_rollback(session):
    session.info.pop(_PENDING, None)

"""Domain events: recorded on the session during a unit of work, dispatched to
subscribers only after the transaction commits. A rollback drops them.

Two kinds of subscriber:
- `subscribe(Event, handler)`: after the commit (live events, publishing tasks); a failing
  handler is logged and the others still run.
- `subscribe_in_transaction(Event, handler)`: just before the commit, in the same
  transaction, for what must be written with the change or not at all (the deliveries a
  change causes: a notification, a webhook). `handler(evt, session)` may add rows and record
  events (those are handled too); if it raises, the commit fails."""
import logging
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.orm import Session

from models.core.db import db

log = logging.getLogger(__name__)

_PENDING = "fieldops_pending_events"
_subscribers: dict[type, list] = defaultdict(list)
_in_transaction: dict[type, list] = defaultdict(list)
_HANDLED = "fieldops_events_handled_in_transaction"


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


def subscribe_in_transaction(event_type: type, handler) -> None:
    if handler not in _in_transaction[event_type]:
        _in_transaction[event_type].append(handler)


def _handlers(registry: dict, evt: DomainEvent) -> list:
    return [handler for event_type in type(evt).__mro__ for handler in registry.get(event_type, ())]


def dispatch(evt: DomainEvent) -> None:
    for handler in _handlers(_subscribers, evt):
        try:
            handler(evt)
        except Exception:  # one failing subscriber must not starve the others
            log.exception("event handler %s failed for %r", handler, evt)


@event.listens_for(Session, "before_commit")
def _handle_before_commit(session):
    """Each pending event once, including those its handlers record, however many times the
    session commits (a handled event stays pending until after_commit dispatches it)."""
    handled = session.info.setdefault(_HANDLED, set())
    while True:
        fresh = [evt for evt in session.info.get(_PENDING, ()) if id(evt) not in handled and _handlers(
            _in_transaction, evt)]
        if not fresh:
            return
        for evt in fresh:
            handled.add(id(evt))
            for handler in _handlers(_in_transaction, evt):
                handler(evt, session)


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session):
    pending = session.info.pop(_PENDING, [])
    session.info.pop(_HANDLED, None)
    for evt in pending:
        dispatch(evt)


@event.listens_for(Session, "after_rollback")
def _drop_on_rollback(session):
    session.info.pop(_PENDING, None)
    session.info.pop(_HANDLED, None)

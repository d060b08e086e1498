"""Who is acting, for which organization: set once per request or task, read by
tenancy scoping and the audit log. A ContextVar, so each request/greenlet/task
sees its own."""
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Actor:
    organization_id: int | None = None
    user_id: int | None = None
    request_id: str | None = None
    ip: str | None = None


_actor: ContextVar[Actor] = ContextVar("fieldops_actor", default=Actor())


def current() -> Actor:
    return _actor.get()


def bind(**fields):
    """Update the current actor; returns a token for `reset`."""
    return _actor.set(replace(_actor.get(), **fields))


def reset(token) -> None:
    _actor.reset(token)


@contextmanager
def acting_as(**fields):
    token = bind(**fields)
    try:
        yield current()
    finally:
        reset(token)

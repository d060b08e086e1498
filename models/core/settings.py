"""The settings the domain reads (limits, lifetimes, where files live), without knowing Flask.

The composition root binds one mapping per process: `create_app` binds its live `app.config`, so a
setting changed at run time (an operator's override, a test's monkeypatch) is what the domain sees.
Unbound (a bare script), every read gets its default."""
from collections.abc import Mapping

_bound: Mapping = {}


def bind(mapping: Mapping) -> None:
    global _bound
    _bound = mapping


def get(name: str, default=None):
    return _bound.get(name, default)


def require(name: str):
    """A setting without which the caller cannot work: KeyError names it when it is missing."""
    return _bound[name]

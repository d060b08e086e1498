"""Waiting for what happens elsewhere, and counting what the database is asked."""
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session


@contextmanager
def _count_events(target, name: str):
    counted = [0]

    def count(*_args, **_kwargs):
        counted[0] += 1

    event.listen(target, name, count)
    try:
        yield counted
    finally:
        event.remove(target, name, count)


def count_queries(engine):
    """Count the SQL statements sent while the block runs: `with count_queries(db.engine) as n: ...; n[0]`."""
    return _count_events(engine, "before_cursor_execute")


def count_commits():
    """Count the commits of ORM sessions (units of work) while the block runs, as count_queries does."""
    return _count_events(Session, "after_commit")


def wait_for(predicate, timeout=10.0, interval=0.05):
    """Poll until predicate() is truthy; returns its value or fails the test."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout}s")


"""Pooled database connections: one that died while idle (PostgreSQL restarted, a firewall dropped it) is
replaced before a request uses it; one handed back moments ago goes out without a ping (models.core.db)."""
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tests.support.waiting import count_queries


@pytest.fixture
def postgres(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server connection to lose")
    return db


def backend_pid(db) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(text("SELECT pg_backend_pid()"))


def test_a_connection_killed_while_idle_is_replaced_unnoticed(postgres):
    db = postgres
    db.session.remove()
    db.engine.dispose()
    first = backend_pid(db)  # the pool now holds this one connection, idle
    outsider = create_engine(db.engine.url, poolclass=NullPool)  # a connection that is not the pool's
    with outsider.begin() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    outsider.dispose()
    for record in list(db.engine.pool._pool.queue):
        record.info["checked_in_at"] = float("-inf")  # ...idle for ages
    second = backend_pid(db)  # would raise OperationalError had the dead connection been handed out
    assert second != first


def test_a_connection_just_handed_back_is_not_pinged(postgres):
    db = postgres
    backend_pid(db)  # checked in just now
    with count_queries(db.engine) as sent:
        backend_pid(db)
    assert sent[0] == 1  # the query alone, no SELECT 1 before it

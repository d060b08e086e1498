"""The SQLAlchemy handle and the declarative base every model shares.

`db` lives here rather than in web/extensions.py so that the domain imports
nothing above it; web/extensions.py re-exports it for the app factory.
"""
import sqlite3
import time
from datetime import datetime, timezone

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import MANYTOONE, DeclarativeBase, Mapped, defaultload, mapped_column

from models.core import money

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# expire_on_commit=False: a session lives for one request or task, so nothing goes stale
# across requests, and a view can answer with the rows it has just written instead of
# reloading each of them after the commit.
# Every integer column of ours, ids included, is 32-bit: a larger number names nothing and
# fits nowhere (input above it is refused, a path id above it is not found).
MAX_INT = 2**31 - 1

# JSON columns (job params, results) may hold Decimals, as request bodies bring them: written as numbers.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False},
                engine_options={"json_serializer": money.json_dumps})


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, nullable=False
    )


def relinked(row):
    """`row`, written, with the rows its ids now name: a loaded many-to-one relationship does not
    follow a changed foreign key until it is loaded again, and a write's answer must not show the
    row it named before. A new row (no id yet) is left as it is."""
    if inspect(row).persistent:
        db.session.flush()
        db.session.expire(row, [rel.key for rel in inspect(row).mapper.relationships if rel.direction is MANYTOONE])
    return row


def shallow(model) -> list:
    """Loader options for `model`'s rows with the rows they point at (its eager many-to-one
    relationships) but not the rows those point at in turn: an activity's deal, not the deal's
    customer, lead and users. Eager relationships would otherwise chain into a join per level."""
    return [defaultload(rel.class_attribute).lazyload("*") for rel in inspect(model).relationships
            if rel.direction is MANYTOONE and rel.mapper.relationships]


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record):
    """SQLite serves several processes in development (web, worker, beat):
    WAL lets readers and one writer proceed together; busy_timeout waits for a lock."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Pessimistic disconnect handling without a round trip on every checkout (what
    `pool_pre_ping` costs each request): a connection handed back less than `idle_seconds` ago
    was working then and goes out as it is; one idle for longer (the database may have restarted,
    or a firewall dropped it) is pinged first, and a dead one replaced, the pool retrying the
    checkout with a new connection."""

    @event.listens_for(engine, "checkin")
    def _stamp(dbapi_connection, record):
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy):
        if time.monotonic() - record.info.get("checked_in_at", float("-inf")) < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("a pooled connection had died while idle") from exc

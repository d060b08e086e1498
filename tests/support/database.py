"""Emptying the database between tests at a cost that does not grow with the number of tables.

TRUNCATE of every table costs about 2 ms per table on PostgreSQL (new files for each table and
index), so a test of a schema of 80 tables would pay ~160 ms to clean up. Instead one statement
finds the tables a test touched — those holding a row, and those whose id sequence has moved (a
rolled-back insert leaves no row but consumes an id, and ids restart with every test) — and only
those are truncated: ~10 ms whatever the schema's size."""
import time

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

# A worker may still be finishing what a test set off (a notification's delivery after the refund
# the test waited for): its transaction and the TRUNCATE can deadlock. The worker's side is done
# within moments; the TRUNCATE tries again.
ATTEMPTS, PAUSE_SECONDS = 5, 0.3

# Tables whose id sequence has been used since it was last restarted (pg_sequences shows last_value
# NULL until then).
_MOVED_SEQUENCES = text("""
    SELECT t.relname FROM pg_sequences s
    JOIN pg_depend d ON d.objid = (quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename))::regclass
                    AND d.deptype IN ('a', 'i')
    JOIN pg_class t ON t.oid = d.refobjid
    WHERE s.schemaname = current_schema() AND s.last_value IS NOT NULL
""")


def touched_tables(conn, tables: list[str]) -> set[str]:
    holding_rows = " UNION ALL ".join(f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in tables)
    touched = {row[0] for row in conn.execute(text(holding_rows))}
    if conn.dialect.name == "postgresql":
        touched |= {row[0] for row in conn.execute(_MOVED_SEQUENCES)} & set(tables)
    return touched


def empty_tables(engine, metadata) -> None:
    """Delete every row a test left in `metadata`'s tables, and restart their ids."""
    for attempt in range(ATTEMPTS):
        try:
            return _empty_tables(engine, metadata)
        except OperationalError as error:
            if "deadlock" not in str(error).lower() or attempt + 1 == ATTEMPTS:
                raise
            time.sleep(PAUSE_SECONDS)


def _empty_tables(engine, metadata) -> None:
    tables = [t.name for t in reversed(metadata.sorted_tables)]  # children before parents
    with engine.begin() as conn:
        touched = touched_tables(conn, tables)
        if not touched:
            return
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(sorted(touched))} RESTART IDENTITY CASCADE"))
        else:  # SQLite restarts rowids by itself once a table is empty
            for name in tables:
                if name in touched:
                    conn.execute(text(f'DELETE FROM "{name}"'))

"""Which tables an organization's backup holds, how to find the organization's
rows in each, and in what order a restore may write them.

Derived from the metadata, so tables added by later modules travel without a
declaration: the `organizations` row, every table with an `organization_id`,
and child tables without one reached through a NOT NULL foreign key to a
table that travels (technician skills through technicians). Operational
tables stay behind (EXCLUDED, or `info={"backup": False}` on a table).

A table that stays behind but points at a travelling one makes that one an
*anchor* (organizations, users): a restore updates anchor rows in place by
primary key instead of deleting and re-inserting them, so the rows that stay
behind (sessions, background jobs, the audit log) are not cascaded away.

Rows travel with the files they name: columns declared `info=storage.FILE_KEY`
(photos; evidence later) are a table's `file_columns`, and a backup carries those
files (models.ops.backups). Exports and backups themselves are not such files.

Secrets stay behind too: a backup is a file an admin downloads. WITHHELD_COLUMNS
(and any column declared with `info={"backup": False}`) are neither written nor
restored; a table that has one is an anchor, so its rows keep their current
values of it through a restore (see models.ops.restore). docs/security.md"""
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import Column, Table, select, tuple_
from sqlalchemy.sql.ddl import sort_tables_and_constraints

from models.core.db import db

ORGANIZATIONS = "organizations"
# Operational state, not the organization's data: work in flight and its outbox,
# replay records, logins (restoring them would resurrect ended sessions) and the
# append-only audit history (a restore must not rewrite it).
EXCLUDED = frozenset({"background_jobs", "outbox_messages", "idempotency_records", "auth_sessions",
                      "refresh_tokens", "audit_log"})
# Password hashes: an offline guessing target, and the owner's reaches every admin who can download.
WITHHELD_COLUMNS = frozenset({("users", "password_hash")})


@dataclass(frozen=True)
class BackedUpTable:
    table: Table
    scope: Callable  # scope(org_id) -> the WHERE clause selecting the organization's rows
    anchor: bool
    # Foreign key columns written NULL first and set once every row exists: the
    # circular technicians.current_job_id <-> jobs.technician_id, self references,
    # and anchors pointing at rows that are deleted and re-inserted.
    deferred: tuple[Column, ...]
    withheld: tuple[str, ...] = ()  # names of the columns that do not travel
    file_columns: tuple[str, ...] = ()  # columns naming the organization's stored files (info=storage.FILE_KEY)

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns that travel."""
        return tuple(column for column in self.table.columns if column.name not in self.withheld)

    def without_withheld(self, row: dict) -> dict:
        """An archived row without the columns that no longer travel (an archive written before they were withheld)."""
        return {name: value for name, value in row.items() if name not in self.withheld} if self.withheld else row

    @property
    def key_columns(self) -> tuple[Column, ...]:
        return tuple(self.table.primary_key.columns)

    def key_of(self, row: dict):
        """A row's primary key as a hashable value (row values already decoded or encoded alike)."""
        values = tuple(row[column.name] for column in self.key_columns)
        return values[0] if len(values) == 1 else values

    def file_keys_of(self, row: dict) -> set[str]:
        """The storage keys of the files a row names."""
        return {row[name] for name in self.file_columns if row.get(name)}

    def key_in(self, keys):
        columns = self.key_columns
        return columns[0].in_(keys) if len(columns) == 1 else tuple_(*columns).in_(keys)


def _travels(table: Table) -> bool:
    return table.name not in EXCLUDED and table.info.get("backup", True)


def _withheld(table: Table) -> tuple[str, ...]:
    return tuple(column.name for column in table.columns
                 if (table.name, column.name) in WITHHELD_COLUMNS or column.info.get("backup", True) is False)


def _scopes(tables) -> dict[str, Callable]:
    organizations = db.metadata.tables[ORGANIZATIONS]
    scopes: dict[str, Callable] = {ORGANIZATIONS: lambda org_id: organizations.c.id == org_id}
    for table in tables:
        if _travels(table) and "organization_id" in table.c:
            scopes[table.name] = lambda org_id, t=table: t.c.organization_id == org_id
    found = True
    while found:  # children of children: repeat until nothing new is reached
        found = False
        for table in tables:
            if table.name in scopes or not _travels(table):
                continue
            for fk in table.foreign_keys:
                parent_scope = scopes.get(fk.column.table.name)
                if parent_scope is not None and not fk.parent.nullable:
                    scopes[table.name] = lambda org_id, fk=fk, parent=parent_scope: fk.parent.in_(
                        select(fk.column).where(parent(org_id)).scalar_subquery())
                    found = True
                    break
    return scopes


def backed_up_tables() -> list[BackedUpTable]:
    """The travelling tables, parents before children."""
    ordered = sort_tables_and_constraints(db.metadata.sorted_tables)
    tables = [table for table, _ in ordered if table is not None]
    scopes = _scopes(tables)
    anchors = {fk.column.table.name for table in tables if table.name not in scopes for fk in table.foreign_keys
               if fk.column.table.name in scopes}
    anchors |= {table.name for table in tables if table.name in scopes and _withheld(table)}
    cyclic = {id(fkc) for table, fkcs in ordered if table is None for fkc in fkcs}
    result = []
    for table in tables:
        if table.name not in scopes:
            continue
        anchor = table.name in anchors
        deferred = []
        for fkc in table.foreign_key_constraints:
            target = fkc.referred_table
            if target.name not in scopes:
                continue
            if id(fkc) in cyclic or target is table or (anchor and target.name not in anchors):
                deferred.extend(fkc.columns)
        files = tuple(column.name for column in table.columns if column.info.get("stored_file"))
        result.append(BackedUpTable(table, scopes[table.name], anchor, tuple(deferred), _withheld(table), files))
    return result


def file_keys(conn, tables: list[BackedUpTable], organization_id: int) -> set[str]:
    """The keys of the stored files the organization's rows name now."""
    keys = set()
    for table in tables:
        for name in table.file_columns:
            column = table.table.c[name]
            keys.update(conn.scalars(select(column).where(table.scope(organization_id), column.is_not(None))))
    return keys

"""Data exports: the registry of exportable resources and the streaming writer.

A resource becomes exportable with one declaration in an `exports` module of its
domain package (`models/<domain>/exports.py`, found and imported on first use):

    exports.register(ExportSpec(
        resource="jobs", model=Job, permission="jobs:read",
        columns=[("id", Job.id), ("title", Job.title), ("customer_name", Customer.name), ...],
        joins=[(Customer, Customer.id == Job.customer_id)],
        filters={"status": any_of(Job.status, STATUSES), "date_from": on_or_after(Job.scheduled_date)},
    ))

Columns are SQL expressions of the model or of its (outer) joins; filters are
conditions on the model. Everything goes through the ORM session, so the
organization bound in models.core.context and the soft-delete rule narrow the rows
and every join by construction (models.core.tenancy).

`run(job_id)` writes one BackgroundJob's export: count first (for progress), then
rows in chunks from a server-side cursor (PostgreSQL; SQLite steps its cursor),
count and rows from one snapshot, memory flat in the row count. The file goes to
`exports/<org>/<job id>.<ext>` through `files.writing` (a killed worker leaves no
half file) and downloads as `<resource>-<YYYY-MM-DD>.<ext>` (the organization's
date when it was asked for).

Formats and cells: models.ops.export_formats."""
import importlib.util
import pkgutil
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable

from sqlalchemy import DateTime, func, select
from sqlalchemy.sql import ColumnElement

from models.core.db import as_utc, db
from models.core.local_time import local_date
from models.identity.organization import Organization
from models.ops import background_job, files
from models.ops.export_formats import WRITERS, selected

FORMATS = ("csv", "jsonl")
CHUNK_ROWS = 5_000  # rows per fetch from the cursor and per write: memory stays a few MB
PROGRESS_SECONDS = 1.0  # progress (and the cancel check that comes with it) at most this often, after the first chunk


# --- the registry --------------------------------------------------------------

@dataclass(frozen=True)
class Filter:
    """A filter an export accepts: its value type (int, str, bool or date), whether
    it takes a list (`many`), the allowed values, and the condition a value adds."""
    type: type
    condition: Callable[[Any], ColumnElement]
    many: bool = False
    choices: tuple[str, ...] | None = None
    description: str = ""

    def where(self, value) -> ColumnElement:
        """The condition for a value as stored in the job's params (JSON)."""
        parse = date.fromisoformat if self.type is date else self.type
        return self.condition([parse(v) for v in value] if self.many else parse(value))


def any_of(column, choices=None, type=str, description="") -> Filter:
    return Filter(type, column.in_, many=True, choices=tuple(choices) if choices else None,
                  description=description or f"any of these {column.key} values")


def equal_to(column, type=int, description="") -> Filter:
    return Filter(type, column.__eq__, description=description or f"{column.key} equals")


def on_or_after(column, description="") -> Filter:
    """A date; on a timestamp column, from that day's start (UTC)."""
    if isinstance(column.type, DateTime):
        return Filter(date, lambda day: column >= _midnight(day), description=description or f"{column.key} from")
    return Filter(date, column.__ge__, description=description or f"{column.key} from")


def on_or_before(column, description="") -> Filter:
    """A date, inclusive; on a timestamp column, up to that day's end (UTC)."""
    if isinstance(column.type, DateTime):
        return Filter(date, lambda day: column < _midnight(day + timedelta(days=1)),
                      description=description or f"{column.key} until")
    return Filter(date, column.__le__, description=description or f"{column.key} until")


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


@dataclass(frozen=True)
class ExportSpec:
    resource: str  # the name in the request and in the file name
    model: type  # the rows: one per live row of this model, in primary-key order
    columns: list[tuple[str, ColumnElement]]  # (header, SQL expression)
    permission: str  # what the caller must also be allowed to read
    joins: list[tuple[type, ColumnElement]] = field(default_factory=list)  # outer joins the columns need
    filters: dict[str, Filter] = field(default_factory=dict)
    description: str = ""

    @property
    def headers(self) -> list[str]:
        return [header for header, _ in self.columns]

    def conditions(self, filters: dict) -> list[ColumnElement]:
        return [self.filters[name].where(value) for name, value in filters.items()]

    def count_query(self, filters: dict):
        # Counting an ORM attribute (not the table's column) keeps the statement one
        # the tenancy and soft-delete criteria apply to.
        mapper = self.model.__mapper__
        key = getattr(self.model, mapper.get_property_by_column(mapper.primary_key[0]).key)
        return select(func.count(key)).where(*self.conditions(filters))

    def rows_query(self, filters: dict):
        stmt = select(*(selected(expr) for _, expr in self.columns)).select_from(self.model)
        for target, onclause in self.joins:
            stmt = stmt.outerjoin(target, onclause)
        return stmt.where(*self.conditions(filters)).order_by(*self.model.__mapper__.primary_key)


_specs: dict[str, ExportSpec] = {}
_discovered = False


def register(spec: ExportSpec) -> ExportSpec:
    if spec.resource in _specs:
        raise ValueError(f"export resource {spec.resource!r} is declared twice")
    if len(set(spec.headers)) != len(spec.headers):
        raise ValueError(f"export resource {spec.resource!r} repeats a column header")
    _specs[spec.resource] = spec
    return spec


def _discover() -> None:
    """Import every `models.<domain>.exports` module: their declarations register."""
    global _discovered
    if _discovered:
        return
    import models

    for package in pkgutil.iter_modules(models.__path__):
        if package.ispkg and importlib.util.find_spec(f"models.{package.name}.exports"):
            importlib.import_module(f"models.{package.name}.exports")
    _discovered = True


def resources() -> list[ExportSpec]:
    _discover()
    return sorted(_specs.values(), key=lambda spec: spec.resource)


def get(resource: str) -> ExportSpec:
    _discover()
    return _specs[resource]


# --- one export ------------------------------------------------------------------

def file_name(resource: str, fmt: str, organization_id: int, asked_at: datetime) -> str:
    """`jobs-2026-11-22.csv`: the date the export was asked for, in the organization's time zone."""
    tz = db.session.scalar(select(Organization.timezone).where(Organization.id == organization_id))
    day = local_date(tz or "UTC", as_utc(asked_at))
    return f"{resource}-{day.isoformat()}.{fmt}"


def run(job_id: str) -> dict:
    """Write the export a BackgroundJob asks for (params: resource, format, filters)
    and attach it to the job. Runs with the job's organization bound; raises
    background_job.Cancelled when a cancel is asked for (no file is left)."""
    job = background_job.load(job_id)
    spec, fmt, filters = get(job.params["resource"]), job.params["format"], job.params.get("filters") or {}
    if db.engine.dialect.name == "postgresql" and not db.session().in_transaction():  # count and rows: one snapshot
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    key = f"exports/{job.organization_id}/{job.id}.{fmt}"
    name = file_name(spec.resource, fmt, job.organization_id, job.created_at)
    total = db.session.scalar(spec.count_query(filters))
    background_job.report(job_id, 0, f"Exporting {total} rows")
    make_writer, encoding = WRITERS[fmt]
    with files.writing(key) as partial:
        with open(partial, "w", encoding=encoding, newline="", buffering=1 << 20) as out:
            written = _stream(spec, filters, make_writer(out, spec), job_id, total)
    db.session.rollback()  # read only: end the snapshot
    size = files.path_of(key).stat().st_size
    background_job.attach_artifact(job_id, key, name, size)
    return {"resource": spec.resource, "format": fmt, "rows": written, "file_name": name, "bytes": size}


def _stream(spec: ExportSpec, filters: dict, write, job_id: str, total: int) -> int:
    written, last_report = 0, None
    result = db.session.execute(spec.rows_query(filters), execution_options={"yield_per": CHUNK_ROWS})
    try:
        for chunk in result.partitions():
            write(chunk)
            written += len(chunk)
            now = time.monotonic()
            if last_report is None or now - last_report >= PROGRESS_SECONDS:
                background_job.report(job_id, min(99, written * 100 // max(total, 1)),
                                      f"Exported {written} of {total} rows")
                last_report = now
    finally:
        result.close()
    return written

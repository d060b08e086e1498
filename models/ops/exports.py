"""Data exports: the streaming writer of what the domains declare exportable
(the registry and its declarations: models.core.exports).

Everything goes through the ORM session, so the organization bound in
models.core.context and the soft-delete rule narrow the rows and every join by
construction (models.core.tenancy).

`run(job_id)` writes one BackgroundJob's export: count first (for progress), then
rows in chunks from a server-side cursor (PostgreSQL; SQLite steps its cursor),
count and rows from one snapshot, memory flat in the row count. The file goes to
`exports/<org>/<job id>.<ext>` through `storage.writing` (a killed worker leaves no
half file) and downloads as `<resource>-<YYYY-MM-DD>.<ext>` (the organization's
date when it was asked for).

Formats and cells: models.ops.export_formats."""
import time
from datetime import datetime

from sqlalchemy import func, select

from models.core import storage
from models.core.db import as_utc, db
from models.core.exports import ExportSpec, get
from models.core.local_time import local_date
from models.identity.organization import Organization
from models.ops import job_runs
from models.ops.export_formats import WRITERS, selected

FORMATS = ("csv", "jsonl")
CHUNK_ROWS = 5_000  # rows per fetch from the cursor and per write: memory stays a few MB
PROGRESS_SECONDS = 1.0  # progress (and the cancel check that comes with it) at most this often, after the first chunk


def count_query(spec: ExportSpec, filters: dict):
    # Counting an ORM attribute (not the table's column) keeps the statement one
    # the tenancy and soft-delete criteria apply to.
    mapper = spec.model.__mapper__
    key = getattr(spec.model, mapper.get_property_by_column(mapper.primary_key[0]).key)
    stmt = select(func.count(key))
    if spec.lines:
        stmt = stmt.select_from(spec.model).outerjoin(*spec.lines)
    return stmt.where(*spec.conditions(filters))


def rows_query(spec: ExportSpec, filters: dict):
    stmt = select(*(selected(expr) for _, expr in spec.columns)).select_from(spec.model)
    order = list(spec.model.__mapper__.primary_key)
    for target, onclause in spec.joins:
        stmt = stmt.outerjoin(target, onclause)
    if spec.lines:
        stmt = stmt.outerjoin(*spec.lines)
        order += list(spec.lines[0].__mapper__.primary_key)
    return stmt.where(*spec.conditions(filters)).order_by(*order)


def file_name(resource: str, fmt: str, organization_id: int, asked_at: datetime) -> str:
    """`jobs-2026-11-22.csv`: the date the export was asked for, in the organization's time zone."""
    tz = db.session.scalar(select(Organization.timezone).where(Organization.id == organization_id))
    day = local_date(tz or "UTC", as_utc(asked_at))
    return f"{resource}-{day.isoformat()}.{fmt}"


def run(job_id: str) -> dict:
    """Write the export a BackgroundJob asks for (params: resource, format, filters)
    and attach it to the job. Runs with the job's organization bound; raises
    background_job.Cancelled when a cancel is asked for (no file is left)."""
    job = job_runs.load(job_id)
    spec, fmt, filters = get(job.params["resource"]), job.params["format"], job.params.get("filters") or {}
    if db.engine.dialect.name == "postgresql" and not db.session().in_transaction():  # count and rows: one snapshot
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    key = f"exports/{job.organization_id}/{job.id}.{fmt}"
    name = file_name(spec.resource, fmt, job.organization_id, job.created_at)
    total = db.session.scalar(count_query(spec, filters))
    job_runs.report(job_id, 0, f"Exporting {total} rows")
    make_writer, encoding = WRITERS[fmt]
    with storage.writing(key) as partial:
        with open(partial, "w", encoding=encoding, newline="", buffering=1 << 20) as out:
            written = _stream(spec, filters, make_writer(out, spec), job_id, total)
    db.session.rollback()  # read only: end the snapshot
    size = storage.path_of(key).stat().st_size
    job_runs.attach_artifact(job_id, key, name, size)
    return {"resource": spec.resource, "format": fmt, "rows": written, "file_name": name, "bytes": size}


def _stream(spec: ExportSpec, filters: dict, write, job_id: str, total: int) -> int:
    written, last_report = 0, None
    result = db.session.execute(rows_query(spec, filters), execution_options={"yield_per": CHUNK_ROWS})
    try:
        for chunk in result.partitions():
            write(chunk)
            written += len(chunk)
            now = time.monotonic()
            if last_report is None or now - last_report >= PROGRESS_SECONDS:
                job_runs.report(job_id, min(99, written * 100 // max(total, 1)),
                                f"Exported {written} of {total} rows")
                last_report = now
    finally:
        result.close()
    return written

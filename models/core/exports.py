"""The export registry: what each domain declares exportable (models.core.domain), as

    ExportSpec(
        resource="jobs", model=Job, permission="jobs:read",
        columns=[("id", Job.id), ("title", Job.title), ("customer_name", Customer.name), ...],
        joins=[(Customer, Customer.id == Job.customer_id)],
        filters={"status": any_of(Job.status, STATUSES), "date_from": on_or_after(Job.scheduled_date)},
    )

in the `exports` of its `DOMAIN`. Columns are SQL expressions of the model or of its
(outer) joins; filters are conditions on the model. models.ops.exports writes the files."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable

from sqlalchemy import DateTime
from sqlalchemy.sql import ColumnElement


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


_specs: dict[str, ExportSpec] = {}


def register(spec: ExportSpec) -> ExportSpec:
    if spec.resource in _specs:
        raise ValueError(f"export resource {spec.resource!r} is declared twice")
    if len(set(spec.headers)) != len(spec.headers):
        raise ValueError(f"export resource {spec.resource!r} repeats a column header")
    _specs[spec.resource] = spec
    return spec


def resources() -> list[ExportSpec]:
    return sorted(_specs.values(), key=lambda spec: spec.resource)


def get(resource: str) -> ExportSpec:
    return _specs[resource]

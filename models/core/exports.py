"""The export registry: what each domain declares exportable (models.core.domain), as

    ExportSpec(
        resource="jobs", model=Job, permission="jobs:read",
        columns=[("id", Job.id), ("title", Job.title), ("customer_name", Customer.name), ...],
        joins=[(Customer, Customer.id == Job.customer_id)],
        listing=job_list.JOBS,
    )

in the `exports` of its `DOMAIN`. Columns are SQL expressions of the model or of its
(outer) joins; `lines` makes it one row per line of a one-to-many. The `filters` an export takes are its resource's list filters
(models.core.listing.ListSpec): the same names and meanings as the list's query
parameters. models.ops.exports writes the files."""
from dataclasses import dataclass, field

from sqlalchemy.sql import ColumnElement

from models.core.listing import Filter, ListSpec


@dataclass(frozen=True)
class ExportSpec:
    resource: str  # the name in the request and in the file name
    model: type  # the rows: one per live row of this model, in primary-key order
    columns: list[tuple[str, ColumnElement]]  # (header, SQL expression)
    permission: str  # what the caller must also be allowed to read
    joins: list[tuple[type, ColumnElement]] = field(default_factory=list)  # outer joins the columns need
    # A one-to-many outer join (model, onclause): one row per line, in the line's key order after
    # the row's; a row without lines still gives one, its line columns empty.
    lines: tuple[type, ColumnElement] | None = None
    listing: ListSpec | None = None  # the resource's list: its filters are the export's
    description: str = ""

    @property
    def filters(self) -> dict[str, Filter]:
        return self.listing.filters if self.listing else {}

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

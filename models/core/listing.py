"""How a resource's rows are narrowed and ordered, declared once per resource (docs/api.md#lists).

A `ListSpec` names the filters (each a condition a parsed value adds to a select), the fields a
list sorts by (each mapped to its SQL expression), the default sort, the id that breaks ties and
the columns `q` searches. The list endpoint reads its query parameters from it (web turns the
spec into the query schema and the document), the export of the same resource takes its
`filters` object with the same names and meanings, and a keyset page (`after`) continues from
the last row's sort key."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Callable, Mapping

from sqlalchemy import Column, DateTime, and_, func, or_, true, tuple_
from sqlalchemy.sql import ColumnElement, Select

from models.core.db import db
from models.core.errors import ValidationFailed

# --- filters -------------------------------------------------------------------

@dataclass(frozen=True)
class Filter:
    """A filter: its value type (int, str, bool, date or datetime), whether it takes a list
    (`many`: any of them matches), the allowed values, and the condition a value adds."""
    type: type
    condition: Callable[[Any], ColumnElement]
    many: bool = False
    choices: tuple[str, ...] | None = None
    description: str = ""

    def where(self, value) -> ColumnElement:
        """The condition for a value as kept in JSON (an export's params)."""
        parse = self.type.fromisoformat if self.type in (date, datetime) else self.type
        return self.condition([parse(v) for v in value] if self.many else parse(value))


def any_of(column, choices=None, type=str, description="") -> Filter:
    return Filter(type, column.in_, many=True, choices=tuple(choices) if choices else None,
                  description=description or f"any of these {column.key} values")


def equal_to(column, type=int, description="") -> Filter:
    return Filter(type, column.__eq__, description=description or f"{column.key} equals")


def on_or_after(column, description="", type=date) -> Filter:
    """A date (on a timestamp column, from that day's start, UTC), or a moment (type=datetime)."""
    description = description or f"{column.key} from"
    if type is date and isinstance(column.type, DateTime):
        return Filter(date, lambda day: column >= _midnight(day), description=description)
    return Filter(type, column.__ge__, description=description)


def on_or_before(column, description="", type=date) -> Filter:
    """A date, inclusive (on a timestamp column, up to that day's end, UTC), or a moment (type=datetime)."""
    description = description or f"{column.key} until"
    if type is date and isinstance(column.type, DateTime):
        return Filter(date, lambda day: column < _midnight(day + timedelta(days=1)) if day < date.max else true(),
                      description=description)
    return Filter(type, column.__le__, description=description)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


# --- search --------------------------------------------------------------------

def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column, pattern):
    return column.ilike(pattern, escape="\\")


# --- sort keys -----------------------------------------------------------------

@dataclass(frozen=True)
class SortKey:
    expression: ColumnElement
    descending: bool
    nullable: bool

    def ordered(self):
        """Nulls where PostgreSQL puts them (last ascending, first descending), on every database,
        so a keyset page knows where they are."""
        if not self.nullable:
            return self.expression.desc() if self.descending else self.expression.asc()
        return self.expression.desc().nulls_first() if self.descending else self.expression.asc().nulls_last()

    def beyond(self, value):
        """Rows strictly after `value` on this key alone (None: there are none)."""
        if value is None:
            return self.expression.is_not(None) if self.descending else None
        past = self.expression < value if self.descending else self.expression > value
        return or_(past, self.expression.is_(None)) if self.nullable and not self.descending else past

    def same(self, value):
        return self.expression.is_(None) if value is None else self.expression == value

    def parse(self, value):
        """A key value from its JSON form (`json_value`)."""
        if value is None:
            return None
        kind = self.expression.type.python_type
        return kind.fromisoformat(value) if kind in (date, datetime) else kind(value)


def json_value(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value) if isinstance(value, Decimal) else value


def _never_null(expression) -> bool:
    column = getattr(expression, "expression", expression)  # an ORM attribute's column
    return isinstance(column, Column) and not column.nullable


# --- the spec ------------------------------------------------------------------

@dataclass(frozen=True)
class ListSpec:
    sortable: dict[str, ColumnElement]  # sort field -> what it orders by
    default_sort: str  # e.g. "-created_at"
    id: ColumnElement  # breaks ties on the sort key, after it
    ids_descending: bool = False
    filters: dict[str, Filter] = field(default_factory=dict)
    search: tuple = ()  # columns for `q`, or callables turning the LIKE pattern into a condition

    @property
    def entity(self):
        """The model listed: the one whose id breaks ties."""
        return self.id.class_

    def narrow(self, stmt: Select, values: Mapping) -> Select:
        """The filters named in `values` (each as parsed), and `q`."""
        stmt = stmt.where(*(f.condition(values[name]) for name, f in self.filters.items()
                            if values.get(name) is not None))
        term = values.get("q")
        if not term or not self.search:
            return stmt
        pattern = f"%{_escape_like(term)}%"
        return stmt.where(or_(*(s(pattern) if callable(s) else contains(s, pattern) for s in self.search)))

    def sort_of(self, sort: str | None) -> str:
        """The sort a request means (the default when it names none), spelled one way."""
        return ",".join(part.strip() for part in (sort or self.default_sort).split(","))

    def sort_keys(self, sort: str | None) -> list[SortKey]:
        """The keys of a sort, the tie-breaking id last."""
        keys = []
        for name in self.sort_of(sort).split(","):
            expression = self.sortable.get(name.lstrip("-"))
            if expression is None:
                raise ValidationFailed("Unknown sort field", sort=[
                    f"{name!r} is not sortable; use one of: {', '.join(sorted(self.sortable))}"])
            keys.append(SortKey(expression, name.startswith("-"), not _never_null(expression)))
        return [*keys, SortKey(self.id, self.ids_descending, False)]

    def order(self, stmt: Select, sort: str | None) -> Select:
        return stmt.order_by(*(key.ordered() for key in self.sort_keys(sort)))

    def after(self, stmt: Select, sort: str | None, key: list) -> Select:
        """Keyset: the rows after the one whose sort key (its `key_columns`, each as `json_value`)
        is `key`, in `sort` order."""
        keys = self.sort_keys(sort)
        try:
            values = [k.parse(v) for k, v in zip(keys, key, strict=True)]
        except (TypeError, ValueError):
            values = None
        if not values or values[-1] is None:  # the id is never null
            raise ValidationFailed("Invalid cursor", cursor=["does not fit this list's sort"])
        return stmt.where(_after(keys, values))

    def key_columns(self, sort: str | None) -> list:
        """The sort key as extra columns of a select, to read the last row's key from."""
        return [key.expression.label(f"_sort_key_{i}") for i, key in enumerate(self.sort_keys(sort))]


def _after(keys: list[SortKey], values: list):
    """One row value comparison when it can be (every key one way, none nullable): the index
    on those columns reads from that point. Otherwise the expanded form, bounded on its first
    key when that key is never null, so an index on it still narrows the read."""
    if len({k.descending for k in keys}) == 1 and not any(k.nullable for k in keys):
        row, point = tuple_(*(k.expression for k in keys)), tuple_(*values)
        return row < point if keys[0].descending else row > point
    condition = _expanded(keys, values)
    first, value = keys[0], values[0]
    if first.nullable:
        return condition
    bound = first.expression <= value if first.descending else first.expression >= value
    return and_(bound, condition)


def _expanded(keys: list[SortKey], values: list):
    """(k1 beyond v1) or (k1 = v1 and ((k2 beyond v2) or (k2 = v2 and ...)))."""
    key, value = keys[0], values[0]
    beyond = key.beyond(value)
    if len(keys) == 1:
        return beyond
    rest = and_(key.same(value), _expanded(keys[1:], values[1:]))
    return rest if beyond is None else or_(beyond, rest)


# --- stats ---------------------------------------------------------------------

def tally(stmt: Select, column, choices) -> dict[str, int]:
    """How many of the rows `stmt` selects have each of `choices` in `column`: every choice
    present, 0 where none (a `stats` action's `by_status`)."""
    counts = dict(db.session.execute(stmt.with_only_columns(column, func.count()).group_by(column)).all())
    return {choice: counts.get(choice, 0) for choice in choices}


def total_of(stmt: Select, column) -> Any:
    """The sum of `column` over the rows `stmt` selects (0 when none)."""
    return db.session.scalar(stmt.with_only_columns(func.coalesce(func.sum(column), 0))) or 0

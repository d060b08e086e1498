"""Pagination, sorting, free-text search and multi-value filters (docs/api.md), once."""
import json
import math
import re
from dataclasses import dataclass

import marshmallow as ma
from flask import g, request
from sqlalchemy import func, or_, select

from models.core.db import db
from models.core.errors import ValidationFailed
from web.conventions import count_cache

MAX_PER_PAGE = 100


def _list_of(item_pattern: str) -> str:
    return f"^{item_pattern}(,{item_pattern})*$"


class CommaList(ma.fields.String):
    """`status=pending,assigned` -> ["pending", "assigned"]: values separated by commas, no
    blanks, each one of `choices` when given (the document carries the same rule as a pattern)."""

    def __init__(self, choices=None, **kwargs):
        self.choices = tuple(choices) if choices is not None else None
        item = f"({'|'.join(re.escape(choice) for choice in self.choices)})" if self.choices else r"[^,\x00]+"
        metadata = {"description": "comma-separated" + (f"; each one of: {', '.join(self.choices)}"
                                                        if self.choices else " values"), **kwargs.pop("metadata", {})}
        super().__init__(validate=ma.validate.Regexp(_list_of(item), error=self._error()), metadata=metadata,
                         **kwargs)

    def _error(self) -> str:
        allowed = f"; allowed: {', '.join(self.choices)}" if self.choices else ""
        return "use comma-separated values without blanks" + allowed

    def _deserialize(self, value, attr, data, **kwargs):
        super()._deserialize(value, attr, data, **kwargs)  # a string
        return value.split(",")

    def _validate(self, value):
        super()._validate(",".join(value))


class Sort(ma.fields.String):
    """`sort=name` or `sort=-created_at,name`: each of `names`, `-` for descending."""

    def __init__(self, *names: str, **kwargs):
        self.names = names
        field = f"-?({'|'.join(re.escape(name) for name in names)})"
        super().__init__(validate=ma.validate.Regexp(_list_of(field), error=f"sort by {', '.join(names)} "
                                                                            "(-field for descending)"),
                         metadata={"description": f"field or -field, comma-separated; fields: {', '.join(names)}"},
                         **kwargs)


class ListArgsSchema(ma.Schema):
    """Query parameters every list endpoint accepts; resources subclass it to add filters and
    declare `sort = Sort(...)` with the fields they sort by."""

    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1))
    per_page = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=MAX_PER_PAGE))
    sort = Sort("created_at")
    q = ma.fields.String(validate=ma.validate.Length(max=200), metadata={"description": "free-text search"})


@dataclass
class Page:
    items: list
    total: int
    current_page: int
    per_page: int

    @property
    def meta(self) -> dict:
        return {
            "total": self.total,
            "per_page": self.per_page,
            "current_page": self.current_page,
            "last_page": max(1, math.ceil(self.total / self.per_page)),
        }


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column, pattern):
    return column.ilike(pattern, escape="\\")


def apply_search(stmt, term: str | None, targets):
    """`targets`: columns to match, or callables turning the LIKE pattern into a condition
    (for matches in related tables, e.g. `lambda p: Job.customer_id.in_(...)`)."""
    if not term:
        return stmt
    pattern = f"%{_escape_like(term)}%"
    return stmt.where(or_(*(t(pattern) if callable(t) else contains(t, pattern) for t in targets)))


def apply_sort(stmt, sort: str | None, sortable: dict, default: str, tiebreaker):
    order = []
    for field in (sort or default).split(","):
        field = field.strip()
        column = sortable.get(field.lstrip("-"))
        if column is None:
            raise ValidationFailed(
                "Unknown sort field", sort=[f"{field!r} is not sortable; use one of: {', '.join(sorted(sortable))}"]
            )
        order.append(column.desc() if field.startswith("-") else column.asc())
    return stmt.order_by(*order, tiebreaker)


# Past this many rows, OFFSET walks ids only (index-only) and only the page's rows are read.
DEFERRED_JOIN_OFFSET = 1000
ENTITIES, ROWS, MAPPINGS = "entities", "rows", "mappings"


def paginate(stmt, args: dict, *, sortable: dict, default_sort: str, tiebreaker, search=(),
             items=ENTITIES) -> Page:
    """Run a filtered select as one page: one COUNT (cached for tables in
    count_cache.CACHED_TABLES) and one page query.

    `stmt` selects one entity (items=ENTITIES) or rows of its columns and others (ROWS:
    tuples, MAPPINGS: dict-like rows)."""
    stmt = apply_search(stmt, args.get("q"), search)
    total = _count(stmt, args)
    stmt = apply_sort(stmt, args.get("sort"), sortable, default_sort, tiebreaker)
    page, per_page = args["page"], args["per_page"]
    offset = (page - 1) * per_page
    if offset > DEFERRED_JOIN_OFFSET:
        rows = _deferred_page(stmt, offset, per_page, items)
    else:
        rows = _fetch(stmt.limit(per_page).offset(offset), items)
    return Page(items=rows, total=total, current_page=page, per_page=per_page)


def _fetch(stmt, items: str) -> list:
    if items == ENTITIES:
        return list(db.session.scalars(stmt).unique().all())
    result = db.session.execute(stmt)
    return list(result.mappings().all() if items == MAPPINGS else result.all())


def _count(stmt, args: dict) -> int:
    entity = stmt.column_descriptions[0]["entity"]
    lean = stmt.with_only_columns(func.count(entity.id)).order_by(None)

    def compute():
        return db.session.scalar(lean)

    table = entity.__tablename__
    if table not in count_cache.CACHED_TABLES:
        return compute()
    # What decides the rows: the endpoint, who asks (visibility differs by caller, and by the customer
    # a customer's account is linked to) and the filters.
    filters = {name: value for name, value in args.items() if name not in ("page", "per_page", "sort")}
    identity = json.dumps([request.endpoint, g.user.id, g.user.customer_id, filters], sort_keys=True, default=str)
    return count_cache.cached_count(table, identity, compute)


def _deferred_page(stmt, offset: int, limit: int, items: str) -> list:
    """One statement: the page's ids come from a subquery that walks ids only, then only
    those rows are read, in the same order."""
    entity = stmt.column_descriptions[0]["entity"]
    page_ids = stmt.with_only_columns(entity.id).offset(offset).limit(limit).subquery()
    return _fetch(stmt.where(entity.id.in_(select(page_ids.c.id))), items)

"""Lists over HTTP (docs/api.md#lists): a resource's ListSpec (models.core.listing) as pages:
numbered (`page`, with an exact total) or keyset (`cursor`, signed, with `next_cursor` and
`has_more` and no total). Its query schema: web.schemas.listing."""
import json
import math
from dataclasses import dataclass

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from models.core.db import db
from models.core.errors import ValidationFailed
from models.core.listing import ListSpec, json_value
from web.conventions import count_cache


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


@dataclass
class CursorPage:
    items: list
    per_page: int
    next_cursor: str | None

    @property
    def meta(self) -> dict:
        return {"per_page": self.per_page, "next_cursor": self.next_cursor, "has_more": self.next_cursor is not None}


# Past this many rows, OFFSET walks ids only (index-only) and only the page's rows are read, with
# their joins and name subqueries: a plain OFFSET evaluates those for every row it skips (at page 50
# of 20, a thousand times, three times the first page's database time).
DEFERRED_JOIN_OFFSET = 100
ENTITIES, ROWS, MAPPINGS = "entities", "rows", "mappings"


def paginate(stmt, args: dict, spec: ListSpec, *, items=ENTITIES) -> Page | CursorPage:
    """Run a select, narrowed by the spec's filters and `q` from `args`, as one page: with
    `cursor`, a keyset page (one query); else one COUNT (cached for tables in
    count_cache.CACHED_TABLES) and one page query.

    `stmt` selects one entity (items=ENTITIES) or rows of its columns and others (ROWS:
    tuples, MAPPINGS: dict-like rows)."""
    stmt = spec.narrow(stmt, args)
    if "cursor" in args:
        return _cursor_page(stmt, args, spec, items)
    total = _count(stmt, args, spec.entity)
    stmt = spec.order(stmt, args.get("sort"))
    page, per_page = args["page"], args["per_page"]
    offset = (page - 1) * per_page
    if offset > DEFERRED_JOIN_OFFSET:
        rows = _deferred_page(stmt, spec.entity, offset, per_page, items)
    else:
        rows = _fetch(stmt.limit(per_page).offset(offset), items)
    return Page(items=rows, total=total, current_page=page, per_page=per_page)


def _fetch(stmt, items: str) -> list:
    if items == ENTITIES:
        return list(db.session.scalars(stmt).unique().all())
    result = db.session.execute(stmt)
    return list(result.mappings().all() if items == MAPPINGS else result.all())


def _count(stmt, args: dict, entity) -> int:
    def compute():  # only when the count cache has no fresh total (building the statement costs too)
        return db.session.scalar(stmt.with_only_columns(func.count(entity.id)).order_by(None))

    table = entity.__tablename__
    if table not in count_cache.CACHED_TABLES:
        return compute()
    # What decides the rows: the endpoint, who asks (visibility differs by caller, and by the customer
    # a customer's account is linked to) and the filters.
    filters = {name: value for name, value in args.items() if name not in ("page", "per_page", "sort", "cursor")}
    identity = json.dumps([request.endpoint, g.user.id, g.user.customer_id, filters], sort_keys=True, default=str)
    return count_cache.cached_count(table, identity, compute)


def _deferred_page(stmt, entity, offset: int, limit: int, items: str) -> list:
    """One statement: the page's ids come from a subquery that walks ids only, then only
    those rows are read, in the same order."""
    page_ids = stmt.with_only_columns(entity.id).offset(offset).limit(limit).subquery()
    return _fetch(stmt.where(entity.id.in_(select(page_ids.c.id))), items)


# --- keyset pages ------------------------------------------------------------------

def _cursor_page(stmt, args: dict, spec: ListSpec, items: str) -> CursorPage:
    """The rows after the cursor's (first ones for an empty cursor), one more than a page to
    know whether more follow; the next cursor is the last row's sort key, signed."""
    sort, per_page = spec.sort_of(args.get("sort")), args["per_page"]
    stmt = spec.order(stmt, sort)
    if args["cursor"]:
        stmt = spec.after(stmt, sort, _read_cursor(args["cursor"], sort))
    keys = spec.key_columns(sort)
    result = db.session.execute(stmt.add_columns(*keys).limit(per_page + 1))
    rows = (result.unique() if items == ENTITIES else result).all()
    has_more, rows = len(rows) > per_page, rows[:per_page]
    next_cursor = _cursor(sort, [json_value(v) for v in rows[-1][-len(keys):]]) if has_more else None
    if items == ENTITIES:
        found = [row[0] for row in rows]
    elif items == MAPPINGS:
        found = [row._mapping for row in rows]
    else:
        found = [tuple(row)[:-len(keys)] for row in rows]
    return CursorPage(found, per_page, next_cursor)


def _signer() -> URLSafeSerializer:
    """Cursors are signed with the app's secret, for one list (endpoint): opaque to clients,
    and a cursor altered or made for another list is refused."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"fieldops.list-cursor:{request.endpoint}")


def _cursor(sort: str, key: list) -> str:
    return _signer().dumps({"sort": sort, "after": key})


def _read_cursor(cursor: str, sort: str) -> list:
    try:
        payload = _signer().loads(cursor)
    except BadSignature:
        payload = None
    if not isinstance(payload, dict) or not isinstance(payload.get("after"), list):
        raise ValidationFailed("Invalid cursor", cursor=[
            "not a cursor this list gave: send a `meta.next_cursor` as it came, or an empty cursor to start"])
    if payload.get("sort") != sort:
        raise ValidationFailed("The cursor is of another sort", cursor=[
            f"made for sort={payload.get('sort')}: send that sort with it, or an empty cursor to start over"])
    return payload["after"]

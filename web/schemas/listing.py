"""A list's query parameters (docs/api.md#lists): a resource's ListSpec (models.core.listing) as its
query schema and so its document — the common paging parameters, `sort` by the spec's fields, each
filter, and `cursor` where the list pages by keyset (web.conventions.listing runs the pages)."""
import copy
import re
from datetime import date, datetime

import marshmallow as ma

from models.core.db import MAX_INT
from models.core.listing import Filter, ListSpec
from web.schemas.common import InputSchema, UTCDateTime

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

    def __init__(self, *names: str, default: str, **kwargs):
        self.names = names
        field = f"-?({'|'.join(re.escape(name) for name in names)})"
        super().__init__(validate=ma.validate.Regexp(_list_of(field), error=f"sort by {', '.join(names)} "
                                                                            "(-field for descending)"),
                         metadata={"description": f"field or -field, comma-separated (default {default}); "
                                                  f"fields: {', '.join(names)}"},
                         **kwargs)


def value_field(spec_filter: Filter) -> ma.fields.Field:
    """One value of a filter, as a query parameter and in an export's `filters` alike."""
    if spec_filter.type is date:
        return ma.fields.Date()
    if spec_filter.type is datetime:
        return UTCDateTime()
    if spec_filter.type is bool:
        return ma.fields.Boolean()
    if spec_filter.type is int:  # ids
        return ma.fields.Integer(validate=ma.validate.Range(min=1, max=MAX_INT))
    if spec_filter.choices:
        return ma.fields.String(validate=ma.validate.OneOf(spec_filter.choices))
    return ma.fields.String(validate=ma.validate.Length(min=1, max=200))


def _query_field(spec_filter: Filter) -> ma.fields.Field:
    field = CommaList(spec_filter.choices) if spec_filter.many else value_field(spec_filter)
    spelled = field.metadata.get("description")
    field.metadata["description"] = f"{spec_filter.description} ({spelled})" if spelled else spec_filter.description
    return field


# Django REST Framework's spellings of ours (docs/api.md#lists): one or the other, not both.
DRF_ALIASES = {"search": "q", "ordering": "sort", "page_size": "per_page"}


class FilterArgsSchema(InputSchema):
    """The query of a list's filters and `q` (a list's `stats` take these); `list_args_schema`
    adds the resource's filters, and the other spelling of each (`ALIASES`: DRF's names, and
    `<x>` for a filter `<x>_id`)."""

    ALIASES: dict[str, str] = {}

    q = ma.fields.String(validate=ma.validate.Length(max=200), metadata={"description": "free-text search"})

    @ma.pre_load
    def one_spelling(self, data, **kwargs):
        for alias, ours in self.ALIASES.items():
            if alias in data and ours in data:
                raise ma.ValidationError(f"send `{alias}` or `{ours}`, not both", field_name=alias)
        return data

    @ma.post_load
    def our_names(self, data, **kwargs):
        for alias, ours in self.ALIASES.items():
            if alias in data:
                data[ours] = data.pop(alias)
        return data


class ListArgsSchema(FilterArgsSchema):
    """Query parameters every list takes: paging and search, besides its sort and filters."""

    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1))
    per_page = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=MAX_PER_PAGE))

    @ma.pre_load
    def one_way_of_paging(self, data, **kwargs):
        if "cursor" in data and "page" in data:
            raise ma.ValidationError("send `cursor` or `page`, not both", field_name="cursor")
        return data


CURSOR = ma.fields.String(
    validate=[ma.validate.Length(max=1000), ma.validate.Regexp(r"^[A-Za-z0-9_.-]*$")],
    metadata={"description": "keyset paging: empty for the first page, then the `meta.next_cursor` of the page "
                             "before, with the same sort (instead of `page`)"})


def list_args_schema(spec: ListSpec, name: str, *, cursor: bool = False, **fields) -> type[ListArgsSchema]:
    """The query schema of a list: the common parameters, `sort` by the spec's fields, `cursor`
    when the list pages by keyset too, each filter, and `fields` of the list's own."""
    declared = {"sort": Sort(*spec.sortable, default=spec.default_sort),
                **({"cursor": CURSOR} if cursor else {}), **fields}
    return _with_filters(ListArgsSchema, spec, name, declared)


def filter_args_schema(spec: ListSpec, name: str) -> type[FilterArgsSchema]:
    """The query schema of what narrows a list, without its paging and sort (a `stats` action's)."""
    return _with_filters(FilterArgsSchema, spec, name, {})


def _with_filters(base: type[FilterArgsSchema], spec: ListSpec, name: str, declared: dict):
    # the list's own fields win over a filter of the same name (the audit log's `entity_type` enum)
    declared = {**{filter_name: _query_field(f) for filter_name, f in spec.filters.items()}, **declared}
    ours = {**base._declared_fields, **declared}
    aliases = {alias: name for alias, name in DRF_ALIASES.items() if name in ours}
    aliases.update({name[:-3]: name for name in declared if name.endswith("_id") and name[:-3] not in ours})
    for alias, canonical in aliases.items():
        declared[alias] = _alias_of(ours[canonical], canonical)
    schema = base.from_dict(declared, name=name)
    schema.ALIASES = aliases
    return schema


def _alias_of(field: ma.fields.Field, name: str) -> ma.fields.Field:
    """The same parameter under its other name (without `name`'s default: the one sent wins)."""
    alias = copy.deepcopy(field)
    alias.load_default = ma.missing
    described = field.metadata.get("description")
    alias.metadata = {**field.metadata, "description": f"same as `{name}`" + (f": {described}" if described else "")}
    return alias

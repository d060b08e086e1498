"""Schema base classes and fields shared by every resource."""
import copy
import math
from collections.abc import Mapping
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

import marshmallow as ma

from models.core import money
from models.core.db import MAX_INT, as_utc
from web.conventions.openapi import NO_NUL


class UTCDateTime(ma.fields.DateTime):
    """ISO 8601 in UTC with a `Z` (docs/api.md). Read: any offset (none means UTC), held in
    UTC, since the database takes offsets only up to ±15:59. A moment past the calendar's
    ends once in UTC is the calendar's end: as a filter bound it selects the same rows."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return as_utc(value).astimezone(timezone.utc).isoformat().replace("+00:00", "Z")

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return as_utc(moment).astimezone(timezone.utc)
        except OverflowError:
            edge = datetime.max if moment.year == datetime.max.year else datetime.min
            return edge.replace(tzinfo=timezone.utc)


QUERY_BOOLEANS = {"true": True, "false": False}


def _unstorable(data, path=()):
    """(path, message) of the first value no column can hold: a NUL byte in a string, or a
    NaN or infinite number (neither is JSON, though Python's parser reads them)."""
    if isinstance(data, str):
        return (path, "must not contain NUL bytes") if "\x00" in data else None
    if isinstance(data, float) and not math.isfinite(data):
        return path, "must be a finite number"
    if isinstance(data, Mapping):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return None
    for key, value in items:
        found = _unstorable(key, path) if isinstance(key, str) else None
        found = found or _unstorable(value, (*path, str(key)))
        if found is not None:
            return found
    return None


def _type_problem(field, value, from_json: bool) -> str | None:
    if isinstance(field, ma.fields.Boolean):
        ok = isinstance(value, bool) if from_json else value in QUERY_BOOLEANS
        return None if ok else "must be true or false"
    if from_json and isinstance(field, ma.fields.Integer):
        return None if isinstance(value, int) and not isinstance(value, bool) else "must be an integer"
    if from_json and isinstance(field, ma.fields.Number):
        return None if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) else "must be a number"
    return None


class InputSchema(ma.Schema):
    """Request bodies and query strings (docs/api.md#requests): unknown fields are errors (no
    mass assignment); what no column can store is refused before it reaches the database;
    values have their JSON types (true/false, numbers as numbers); integers fit our 32-bit
    columns."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def refuse_unstorable(self, data, **kwargs):
        found = _unstorable(data)
        if found is not None:
            path, message = found
            raise ma.ValidationError(message, field_name=path[0] if path else "_schema")
        return data

    @ma.pre_load
    def strict_types(self, data, **kwargs):
        """A JSON body (a dict) must send each value as its JSON type: true or false for a
        boolean, a number for a number (not "7"). A query string (a multidict of strings)
        spells booleans `true` or `false`. 0, 1, "yes" or "on" are errors, not guesses."""
        if not isinstance(data, Mapping):
            return data
        from_json = isinstance(data, dict)
        for name, field in self.load_fields.items():
            key = field.data_key or name
            if key not in data or (data[key] is None and field.allow_none):
                continue
            problem = _type_problem(field, data[key], from_json)
            if problem:
                raise ma.ValidationError(problem, field_name=key)
        return data

    @ma.post_load
    def integers_in_range(self, data, **kwargs):
        for name, value in data.items():
            if isinstance(value, int) and not isinstance(value, bool) and not -MAX_INT - 1 <= value <= MAX_INT:
                raise ma.ValidationError(f"must be at most {MAX_INT}" if value > 0 else f"must be at least {-MAX_INT - 1}",
                                         field_name=self.fields[name].data_key or name if name in self.fields else name)
        return data


class PatchSchema(InputSchema):
    """The body of a PATCH: the fields to change, at least one (the document says
    `minProperties: 1`); an empty PATCH changes nothing and is refused, not ignored."""

    OPENAPI_MIN_PROPERTIES = 1

    @ma.validates_schema
    def changes_something(self, data, **kwargs):
        if not data:
            raise ma.ValidationError("send at least one field to change")


def patch_schema(input_schema: type[InputSchema], name: str) -> type[PatchSchema]:
    """The PATCH body of a resource whose PUT and POST take `input_schema`: the same fields and
    rules, each optional and without its default (a field not sent is left as it is)."""
    optional = {}
    for field_name, field in input_schema._declared_fields.items():
        field = copy.deepcopy(field)
        field.required, field.load_default = False, ma.missing
        optional[field_name] = field
    return type(name, (PatchSchema, input_schema), optional)


def Password(**kwargs):
    return ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(min=8, max=128), **kwargs
    )


def Email(**kwargs):
    return ma.fields.Email(validate=ma.validate.Length(max=254), **kwargs)


class Money(ma.fields.Decimal):
    """A JSON number from 0 to 9,999,999,999.99, rounded half-up to the cent (docs/api.md#money).
    Read exactly: the body parser reads numbers as Decimals. Written with two decimals.
    `total=True`: a sum of amounts (answers only), which may pass what one amount holds."""

    def __init__(self, *, total: bool = False, **kwargs):
        bounds = {"minimum": 0} if total else {"minimum": 0, "maximum": float(money.MAXIMUM)}
        kwargs["metadata"] = {**bounds, "example": 450.5, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else money.round_half_up(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
            raise ma.ValidationError("must be a number")
        try:
            amount = money.decimal_of(value)  # a float only from a caller that parsed JSON itself
        except InvalidOperation:
            raise ma.ValidationError("must be a number")
        if not amount.is_finite():
            raise ma.ValidationError("must be a finite number")
        if amount < 0 or amount > money.MAXIMUM:  # the number sent, before rounding, as the document's bounds
            raise ma.ValidationError(f"must be between 0 and {money.MAXIMUM}")
        return money.round_half_up(amount)


def Latitude(**kw):
    return ma.fields.Float(validate=ma.validate.Range(-90, 90), **kw)


def Longitude(**kw):
    return ma.fields.Float(validate=ma.validate.Range(-180, 180), **kw)


def Text(max_length, **kw):
    return ma.fields.String(validate=ma.validate.Length(max=max_length), **kw)


def input_constraints(converter, field, ret=None, **kwargs) -> dict:
    """apispec attribute function: what InputSchema refuses in every request
    field, said in the document: strings without NUL, integers within 32 bits."""
    ret = ret or {}
    owner = field.parent.parent if isinstance(field.parent, ma.fields.Field) else field.parent
    if not isinstance(owner, InputSchema):
        return {}
    if isinstance(field, ma.fields.String) and not isinstance(field, ma.fields.Email) and "pattern" not in ret:
        return {"pattern": NO_NUL}
    if isinstance(field, ma.fields.Integer):
        return {"minimum": ret.get("minimum", -MAX_INT - 1), "maximum": ret.get("maximum", MAX_INT)}
    return {}

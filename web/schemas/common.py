"""Schema base classes and fields shared by every resource."""
import math
from collections.abc import Mapping
from datetime import timezone

import marshmallow as ma

from models.db import as_utc


class UTCDateTime(ma.fields.DateTime):
    """ISO 8601 in UTC with a `Z` (SPEC §2)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return as_utc(value).astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


INT32 = 2**31 - 1  # every integer column of ours is 32-bit
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


class InputSchema(ma.Schema):
    """Request bodies and query strings (docs/api.md#requests): unknown fields are errors (no
    mass assignment); what no column can store is refused before it reaches the database;
    booleans are true or false, nothing else; integers fit our 32-bit columns."""

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
    def strict_booleans(self, data, **kwargs):
        """A JSON body (a dict) must send true or false; a query string (a multidict of strings)
        the words `true` or `false`. 0, 1, "yes" or "on" are errors, not guesses."""
        if not isinstance(data, Mapping):
            return data
        from_json = isinstance(data, dict)
        for name, field in self.load_fields.items():
            key = field.data_key or name
            if isinstance(field, ma.fields.Boolean) and key in data:
                value = data[key]
                if value is None and field.allow_none:
                    continue
                ok = isinstance(value, bool) if from_json else value in QUERY_BOOLEANS
                if not ok:
                    raise ma.ValidationError("must be true or false", field_name=key)
        return data

    @ma.post_load
    def integers_in_range(self, data, **kwargs):
        for name, value in data.items():
            if isinstance(value, int) and not isinstance(value, bool) and not -INT32 - 1 <= value <= INT32:
                raise ma.ValidationError(f"must be at most {INT32}" if value > 0 else f"must be at least {-INT32 - 1}",
                                         field_name=self.fields[name].data_key or name if name in self.fields else name)
        return data


def Password(**kwargs):
    return ma.fields.String(
        required=True, load_only=True, validate=ma.validate.Length(min=8, max=128), **kwargs
    )


def Email(**kwargs):
    return ma.fields.Email(validate=ma.validate.Length(max=254), **kwargs)


class Money(ma.fields.Field):
    """A number with two decimals (SPEC §2)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else round(float(value), 2)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ma.ValidationError("must be a number")
        try:
            amount = round(float(value), 2)
        except (TypeError, ValueError):
            raise ma.ValidationError("must be a number")
        if not math.isfinite(amount):
            raise ma.ValidationError("must be a finite number")
        if amount < 0 or amount > 9_999_999_999:
            raise ma.ValidationError("must be between 0 and 9999999999")
        return amount


def Latitude(**kw):
    return ma.fields.Float(validate=ma.validate.Range(-90, 90), **kw)


def Longitude(**kw):
    return ma.fields.Float(validate=ma.validate.Range(-180, 180), **kw)


def Text(max_length, **kw):
    return ma.fields.String(validate=ma.validate.Length(max=max_length), **kw)

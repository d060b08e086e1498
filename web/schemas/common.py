"""Schema base classes and fields shared by every resource."""
from datetime import timezone

import marshmallow as ma

from models.db import as_utc


class UTCDateTime(ma.fields.DateTime):
    """ISO 8601 in UTC with a `Z` (SPEC §2)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return as_utc(value).astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _find_nul(data, path=()):
    if isinstance(data, str):
        return path if "\x00" in data else None
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        found = _find_nul(value, (*path, str(key)))
        if found is not None:
            return found
    return None


class InputSchema(ma.Schema):
    """Request bodies and query strings: unknown fields are errors (no mass
    assignment) and NUL bytes are refused before they reach the database."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def refuse_nul_bytes(self, data, **kwargs):
        where = _find_nul(data)
        if where is not None:
            raise ma.ValidationError("must not contain NUL bytes", field_name=where[0] if where else "_schema")
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
        try:
            amount = round(float(value), 2)
        except (TypeError, ValueError):
            raise ma.ValidationError("must be a number")
        if amount < 0 or amount > 9_999_999_999:
            raise ma.ValidationError("must be between 0 and 9999999999")
        return amount


def Latitude(**kw):
    return ma.fields.Float(validate=ma.validate.Range(-90, 90), **kw)


def Longitude(**kw):
    return ma.fields.Float(validate=ma.validate.Range(-180, 180), **kw)


def Text(max_length, **kw):
    return ma.fields.String(validate=ma.validate.Length(max=max_length), **kw)

"""Exports: the request that starts one, its filters checked against the
resource's declaration (models.core.exports) before any job exists, and the
catalog of what can be exported."""
import re
from datetime import date, datetime

import marshmallow as ma

from models.core import exports
from models.core.listing import Filter
from models.ops.exports import FORMATS
from web.schemas.common import InputSchema
from web.schemas.listing import value_field

TYPE_NAMES = {int: "integer", str: "string", bool: "boolean", date: "date", datetime: "date-time"}


class ValueList(ma.fields.Field):
    """A list of string values, as a JSON list or a comma list (`"pending,assigned"`: no blanks),
    each loaded by `inner`; the document states both forms."""

    def __init__(self, inner: ma.fields.String, choices=None, **kwargs):
        item = {"type": "string", "enum": list(choices)} if choices else {
            "type": "string", "minLength": 1, "maxLength": 200, "pattern": r"^[^\x00]*$"}
        one = f"({'|'.join(re.escape(choice) for choice in choices)})" if choices else r"[^,\x00]{1,200}"
        kwargs["metadata"] = {"oneOf": [{"type": "array", "items": item, "minItems": 1},
                                        {"type": "string", "pattern": f"^{one}(,{one})*$"}], **kwargs.get("metadata", {})}
        super().__init__(**kwargs)
        self.inner = inner

    def _deserialize(self, value, attr, data, **kwargs):
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            raise ma.ValidationError("must be a non-empty list of values (or a comma-separated string)")
        loaded, errors = [], {}
        for index, item in enumerate(items):
            try:
                loaded.append(self.inner.deserialize(item))
            except ma.ValidationError as error:
                errors[index] = error.messages
        if errors:
            raise ma.ValidationError(errors)
        return loaded

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else [self.inner._serialize(item, attr, obj) for item in value]


def _field(spec_filter: Filter) -> ma.fields.Field:
    inner = value_field(spec_filter)
    field = ValueList(inner, spec_filter.choices) if spec_filter.many else inner
    field.metadata["description"] = spec_filter.description
    return field


_filter_schemas: dict[str, ma.Schema] = {}


def filters_schema(spec: exports.ExportSpec) -> ma.Schema:
    """The resource's filters as an input schema: unknown names and bad values are errors."""
    if spec.resource not in _filter_schemas:
        fields = {name: _field(spec_filter) for name, spec_filter in spec.filters.items()}
        name = f"{spec.resource.title().replace('_', '')}ExportFiltersSchema"
        _filter_schemas[spec.resource] = InputSchema.from_dict(fields, name=name)()
    return _filter_schemas[spec.resource]


def request_schemas() -> list[type]:
    """The request body's document: one schema per resource, its filters spelled out (the
    server checks the filters against the resource named; one flat schema could not say so)."""
    schemas = []
    for spec in exports.resources():
        fields = {"resource": ma.fields.String(required=True, validate=ma.validate.OneOf([spec.resource])),
                  "format": ma.fields.String(load_default="csv", validate=ma.validate.OneOf(FORMATS)),
                  "filters": ma.fields.Nested(type(filters_schema(spec)), load_default=dict)}
        schemas.append(InputSchema.from_dict(fields, name=f"{spec.resource.title().replace('_', '')}ExportRequest"))
    return schemas


class ExportRequestSchema(InputSchema):
    resource = ma.fields.String(required=True,
                                validate=ma.validate.OneOf([spec.resource for spec in exports.resources()]))
    format = ma.fields.String(load_default="csv", validate=ma.validate.OneOf(FORMATS))
    filters = ma.fields.Dict(keys=ma.fields.String(), load_default=dict, metadata={
        "description": "the resource's filters (GET /admin/exports/resources lists them); list filters take a "
                       "JSON list or a comma list", "example": {"status": ["pending", "assigned"],
                                                                "date_from": "2024-01-01"}})

    @ma.post_load
    def checked_filters(self, data, **kwargs):
        """Kept as JSON the task reads back (dates as YYYY-MM-DD, lists as lists)."""
        schema = filters_schema(exports.get(data["resource"]))
        try:
            data["filters"] = schema.dump(schema.load(data["filters"]))
        except ma.ValidationError as error:
            raise ma.ValidationError({"filters": error.messages}) from None
        return data


class ExportFilterSchema(ma.Schema):
    name = ma.fields.String(metadata={"example": "status"})
    type = ma.fields.String(metadata={"enum": list(TYPE_NAMES.values())})
    many = ma.fields.Boolean(metadata={"description": "takes a list of values (any of them matches)"})
    choices = ma.fields.List(ma.fields.String(), allow_none=True)
    description = ma.fields.String()


class ExportResourceSchema(ma.Schema):
    """Dumps an ExportSpec: its columns (the file's header, in order), formats and filters."""

    resource = ma.fields.String(metadata={"example": "jobs"})
    description = ma.fields.String()
    formats = ma.fields.List(ma.fields.String())
    columns = ma.fields.List(ma.fields.String())
    filters = ma.fields.List(ma.fields.Nested(ExportFilterSchema))

    @ma.pre_dump
    def described(self, spec: exports.ExportSpec, **kwargs):
        return {"resource": spec.resource, "description": spec.description, "formats": list(FORMATS),
                "columns": spec.headers,
                "filters": [{"name": name, "type": TYPE_NAMES[f.type], "many": f.many,
                             "choices": list(f.choices) if f.choices else None, "description": f.description}
                            for name, f in spec.filters.items()]}

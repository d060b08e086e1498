"""The success envelope (SPEC §2), applied by the Blueprint every resource uses.

`@blp.response(200, UserSchema)`: the view returns a user; the client gets
`{"success": true, "data": {...}}` and the OpenAPI document shows exactly that.
`@blp.paginated(UserSchema)`: the view returns a `Page`; the client gets
`{"success": true, "data": [...], "meta": {total, per_page, current_page, last_page}}`.
"""
from functools import wraps

import flask_smorest
import marshmallow as ma
from flask import Response
from flask_smorest.utils import unpack_tuple_response

from web.conventions.listing import Page

_envelopes: dict[tuple, type] = {}


class PageMetaSchema(ma.Schema):
    total = ma.fields.Integer()
    per_page = ma.fields.Integer()
    current_page = ma.fields.Integer()
    last_page = ma.fields.Integer()


def _schema_name(schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__.removesuffix("Schema")


def envelope_schema(schema, *, page: bool = False) -> type:
    """A schema class documenting and dumping `schema` inside the envelope."""
    many = page or getattr(schema, "many", False)
    key = (schema if isinstance(schema, type) else type(schema), many, page)
    if key not in _envelopes:
        item_schema = type(schema) if not isinstance(schema, type) else schema
        fields = {"success": ma.fields.Constant(True), "data": ma.fields.Nested(item_schema, many=many)}
        if page:
            fields["meta"] = ma.fields.Nested(PageMetaSchema)
        kind = "Page" if page else "ListEnvelope" if many else "Envelope"
        name = f"{_schema_name(schema)}{kind}Schema"
        _envelopes[key] = ma.Schema.from_dict(fields, name=name)
    return _envelopes[key]


class Blueprint(flask_smorest.Blueprint):
    def response(self, status_code, schema=None, **kwargs):
        if schema is None:
            return super().response(status_code, None, **kwargs)
        document_and_dump = super().response(status_code, envelope_schema(schema), **kwargs)

        def decorator(view):
            @wraps(view)
            def enveloped(*args, **kw):
                result, status, headers = unpack_tuple_response(view(*args, **kw))
                if isinstance(result, Response):
                    return result
                return {"data": result}, status, headers

            return document_and_dump(enveloped)

        return decorator

    def paginated(self, schema, **kwargs):
        """Document and dump a `Page` of `schema` items with its meta block."""
        document_and_dump = super().response(200, envelope_schema(schema, page=True), **kwargs)

        def decorator(view):
            @wraps(view)
            def paged(*args, **kw):
                page: Page = view(*args, **kw)
                return {"data": page.items, "meta": page.meta}

            return document_and_dump(paged)

        return decorator

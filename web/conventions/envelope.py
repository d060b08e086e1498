"""The success envelope (docs/api.md), applied by the Blueprint every resource uses.

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

from models.core.db import db
from web.conventions import bodies, openapi, strict_json
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
        fields = {"success": ma.fields.Constant(True, metadata={"type": "boolean", "enum": [True]}),
                  "data": ma.fields.Nested(item_schema, many=many)}
        if page:
            fields["meta"] = ma.fields.Nested(PageMetaSchema)
        kind = "Page" if page else "ListEnvelope" if many else "Envelope"
        name = f"{_schema_name(schema)}{kind}Schema"
        _envelopes[key] = ma.Schema.from_dict(fields, name=name)
    return _envelopes[key]


def created(resource, location: str):
    """Return from a view decorated `@blp.response(201, ...)`: the resource, with its URL in `Location`."""
    return resource, 201, {"Location": location}


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with our envelope, body rules (web.conventions.bodies) and
    the operation docs that follow from each view's declaration (web.conventions.openapi)."""

    ARGUMENTS_PARSER = strict_json.Parser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._prepare_conventions_doc)

    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None, **options):
        self._rule_being_added = rule
        return super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, **options)

    def _store_endpoint_docs(self, endpoint, obj, parameters, tags, **options):
        super()._store_endpoint_docs(endpoint, obj, parameters, tags, **options)
        rule = (self.url_prefix or "") + self._rule_being_added
        for method, doc in self._docs[endpoint].items():
            if method == "parameters":
                continue
            function = getattr(obj, method) if isinstance(obj, type) else obj
            doc["conventions"] = openapi.operation_doc(method, function, rule)
            if "manual_doc" in doc:
                doc["manual_doc"] = openapi.normalize_manual(doc["manual_doc"])

    @staticmethod
    def _prepare_conventions_doc(doc, doc_info, *, method, **kwargs):
        return openapi.complete(doc, doc_info["conventions"], method)

    def arguments(self, schema, *, location="json", **kwargs):
        if location == "json" and "required" not in kwargs:  # no body reads as {} (web.conventions.bodies)
            kwargs["required"] = bodies.requires_a_body(schema)
        return bodies.checked(super().arguments(schema, location=location, **kwargs), location)

    def response(self, status_code, schema=None, **kwargs):
        if schema is None:
            return super().response(status_code, None, **kwargs)
        document_and_dump = super().response(status_code, envelope_schema(schema), **kwargs)

        def decorator(view):
            @wraps(view)
            def enveloped(*args, **kw):
                result, status, headers = unpack_tuple_response(view(*args, **kw))
                # The answer shows what the commit will keep (ids, defaults, versions), and a
                # write the database refuses is the error answered instead.
                db.session.flush()
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

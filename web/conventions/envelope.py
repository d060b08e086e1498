"""The success envelope (docs/api.md), applied by the Blueprint every resource uses.

`@blp.response(200, UserSchema)`: the view returns a user; the client gets
`{"success": true, "data": {...}}` and the OpenAPI document shows exactly that.
`@blp.paginated(UserSchema)`: the view returns a `Page`; the client gets
`{"success": true, "data": [...], "meta": {total, per_page, current_page, last_page}}`, or for a
keyset page (`cursor`, web.conventions.listing) `"meta": {per_page, next_cursor, has_more}`.
"""
from functools import wraps

import flask_smorest
import marshmallow as ma
from flask import Response, request
from flask_smorest.utils import unpack_tuple_response

from models.core.errors import ValidationFailed
from web.conventions import bodies, openapi, strict_json, unit_of_work
from web.conventions.listing import CursorPage, Page

_envelopes: dict[tuple, type] = {}


class PageMetaSchema(ma.Schema):
    total = ma.fields.Integer()
    per_page = ma.fields.Integer()
    current_page = ma.fields.Integer()
    last_page = ma.fields.Integer()


class ListMetaSchema(ma.Schema):
    """The meta of a list that pages by number or by cursor: the first four with `page`, the
    last three with `cursor` (docs/api.md#lists)."""

    total = ma.fields.Integer(metadata={"description": "pages by number only"})
    per_page = ma.fields.Integer()
    current_page = ma.fields.Integer(metadata={"description": "pages by number only"})
    last_page = ma.fields.Integer(metadata={"description": "pages by number only"})
    next_cursor = ma.fields.String(allow_none=True, metadata={
        "description": "cursor pages only: send it as `cursor` for the next page; null on the last page"})
    has_more = ma.fields.Boolean(metadata={"description": "cursor pages only: whether a next page exists"})


def _schema_name(schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__.removesuffix("Schema")


def envelope_schema(schema, *, page: bool = False, cursor: bool = False) -> type:
    """A schema class documenting and dumping `schema` inside the envelope (a page's with
    `meta`; `cursor`: of a list that pages by keyset too)."""
    many = page or getattr(schema, "many", False)
    key = (schema if isinstance(schema, type) else type(schema), many, page, cursor)
    if key not in _envelopes:
        item_schema = type(schema) if not isinstance(schema, type) else schema
        fields = {"success": ma.fields.Constant(True, metadata={"type": "boolean", "enum": [True]}),
                  "data": ma.fields.Nested(item_schema, many=many)}
        if page:
            fields["meta"] = ma.fields.Nested(ListMetaSchema if cursor else PageMetaSchema)
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
        self._without_query: set[tuple[str, str]] = set()  # (endpoint, method) declaring no query schema
        self.before_request(self._refuse_undeclared_query)

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
            if "query" not in openapi.argument_locations(function):
                self._without_query.add((f"{self.name}.{endpoint}", method))
            doc["conventions"] = openapi.operation_doc(method, function, rule)
            if "manual_doc" in doc:
                doc["manual_doc"] = openapi.normalize_manual(doc["manual_doc"])

    def _refuse_undeclared_query(self):
        """A query parameter an operation does not declare is an unknown field (422), as in a
        body, where a query schema refuses its own unknown ones: a misspelt filter is an error,
        not an unfiltered answer. Cache-busters (`_=`) included: GETs answer no-cache."""
        method = "get" if request.method == "HEAD" else request.method.lower()
        if request.args and (request.endpoint, method) in self._without_query:
            raise ValidationFailed("The request has invalid fields", **{
                name: ["Unknown field."] for name in request.args})

    @staticmethod
    def _prepare_conventions_doc(doc, doc_info, *, method, **kwargs):
        return openapi.complete(doc, doc_info["conventions"], method)

    def arguments(self, schema, *, location="json", **kwargs):
        # One instance for every request: given the class, webargs would build one per request
        # (a deep copy of its declared fields each time). The schemas keep no state between loads.
        schema = schema() if isinstance(schema, type) else schema
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
                unit_of_work.commit_the_view(result.status_code if isinstance(result, Response) else status)
                if isinstance(result, Response):
                    return result
                return {"data": result}, status, headers

            return document_and_dump(enveloped)

        return decorator

    def paginated(self, schema, *, cursor: bool = False, **kwargs):
        """Document and dump a `Page` (or with `cursor`, also a `CursorPage`) of `schema` items
        with its meta block."""
        document_and_dump = super().response(200, envelope_schema(schema, page=True, cursor=cursor), **kwargs)

        def decorator(view):
            @wraps(view)
            def paged(*args, **kw):
                page: Page | CursorPage = view(*args, **kw)
                return {"data": page.items, "meta": page.meta}

            return document_and_dump(paged)

        return decorator

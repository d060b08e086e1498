"""A resource's REST surface from one declaration (docs/api.md#crm):

    LEADS = Resource(model=Lead, noun="lead", listing=lead.LEADS, links=lead.LEAD_LINKS,
                     item_schema=LeadItemSchema, schema=LeadSchema, input_schema=LeadInputSchema,
                     create=lead.create_lead, update=lead.update_lead, read="crm:read", manage="crm:manage")
    blp = LEADS.blueprint(__name__, "CRM leads: who may become a customer")

gives `GET /` (the list, with its filters and their link checks), `POST /` (201), `GET /{id}`,
`PUT /{id}` (every writable field), `PATCH /{id}` (some; the same rules), `DELETE /{id}`
(soft, 204); `action`, `stats` and `listing_view` add a resource's own operations. Each operation
declares its refusals beyond the schema (the links; `rules`) for the document and the fuzzer. Views
stay what they are everywhere: schema in, one domain call, schema out; the unit of work commits."""
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import g
from flask.views import MethodView
from sqlalchemy import select

from models.core.db import shallow
from models.core.listing import ListSpec
from models.core.tenancy import check_links, get_or_404
from web.auth import requires
from web.conventions import count_cache
from web.conventions.envelope import Blueprint, created
from web.conventions.listing import paginate
from web.conventions.openapi import conflicts, refused_beyond_schema
from web.schemas.common import patch_schema
from web.schemas.listing import filter_args_schema, list_args_schema


@dataclass(frozen=True)
class Resource:
    model: type  # TenantScoped and SoftDeletable
    noun: str  # "lead": in paths' parameter names, 404s and summaries
    listing: ListSpec
    item_schema: type  # a list's items
    schema: type  # a detail, and what writes answer
    input_schema: type  # POST's and PUT's body; PATCH's is derived (web.schemas.common.patch_schema)
    create: Callable  # create(fields, *, actor_id) -> row
    update: Callable  # update(row, changes) -> row
    read: str  # the permission of its reads
    manage: str  # ... and of its writes and actions
    links: dict = field(default_factory=dict)  # {field: (model, what)}: ids a body or a filter names
    plural: str = ""
    list_notes: str = ""  # the list's description: its filters and what `q` searches
    create_notes: str = ""
    put_notes: str = "Every writable field: a missing required one is 422, a missing optional one is cleared."
    rules: str = ""  # what else a body the schema allows is refused for (422), besides its links

    @property
    def refused_reads(self) -> str:
        """Why a list or stats query the schema allows may be 422: its links' rows."""
        names = ", ".join(f"`{name.removesuffix('_id')}`" for name in self.links)
        return f"{names} must name rows of the organization" if names else ""

    @property
    def refused_writes(self) -> str:
        return "; ".join(why for why in (self.rules, self.refused_reads) if why)

    @property
    def name(self) -> str:
        return self.model.__name__

    @property
    def many(self) -> str:
        return self.plural or f"{self.noun}s"

    @property
    def key(self) -> str:
        return f"{self.noun.replace(' ', '_')}_id"

    def get(self, ident: int):
        """The organization's row, or 404."""
        return get_or_404(self.model, ident, self.noun.capitalize(), options=shallow(self.model))

    def rows(self):
        """The select of its rows as lists and details load them."""
        return select(self.model).options(*shallow(self.model))

    def blueprint(self, import_name: str, description: str) -> Blueprint:
        blp = Blueprint(self.many.replace(" ", "_"), import_name, url_prefix=f"/api/v1/{self.many.replace(' ', '-')}",
                        description=description)
        count_cache.cache_counts_of(self.model)  # a page's total is counted once per change, not per view
        self._register(blp)
        return blp

    def _register(self, blp: Blueprint) -> None:
        resource, list_args = self, list_args_schema(self.listing, f"{self.name}ListArgsSchema")
        patch_body = patch_schema(self.input_schema, f"{self.name}PatchSchema")

        reads, writes = _refused(self.refused_reads), _refused(self.refused_writes)

        class Collection(MethodView):
            @requires(resource.read)
            @blp.arguments(list_args, location="query")
            @blp.paginated(resource.item_schema)
            @reads
            def get(self, args):
                check_links(args, resource.links)
                return paginate(resource.rows(), args, resource.listing)

            @requires(resource.manage)
            @blp.arguments(resource.input_schema)
            @blp.response(201, resource.schema)
            @writes
            def post(self, body):
                row = resource.create(body, actor_id=g.user.id)
                return created(row, f"{blp.url_prefix}/{row.id}")

        class Detail(MethodView):
            @requires(resource.read)
            @blp.response(200, resource.schema)
            def get(self, **path):
                return resource.get(path[resource.key])

            @requires(resource.manage)
            @blp.arguments(resource.input_schema)
            @blp.response(200, resource.schema)
            @writes
            def put(self, body, **path):
                return resource.update(resource.get(path[resource.key]), body)

            @requires(resource.manage)
            @blp.arguments(patch_body)
            @blp.response(200, resource.schema)
            @writes
            def patch(self, body, **path):
                return resource.update(resource.get(path[resource.key]), body)

            @requires(resource.manage)
            @blp.response(204)
            def delete(self, **path):
                resource.get(path[resource.key]).soft_delete()

        many = "".join(word.title() for word in self.many.split())
        _describe(Collection.get, many, f"List {self.many}.", self.list_notes)
        _describe(Collection.post, many, f"Add a {self.noun}.", self.create_notes)
        _describe(Detail.get, f"{self.name}Detail", f"One {self.noun}.")
        _describe(Detail.put, f"{self.name}Detail", f"Replace a {self.noun}'s fields.", self.put_notes)
        _describe(Detail.patch, f"{self.name}Detail", f"Edit some of a {self.noun}'s fields.", "The fields sent change; the others stay.")
        _describe(Detail.delete, f"{self.name}Detail", f"Delete a {self.noun}.", "A soft delete: it leaves lists, details and exports.")
        blp.route("", endpoint=self.many.replace(" ", "_"))(Collection)
        blp.route(f"/<int:{self.key}>", endpoint=f"{self.key}_detail")(Detail)

    def action(self, blp: Blueprint, name: str, perform: Callable, *, body=None, summary: str,
               description: str = "", conflict: str | None = None) -> None:
        """`POST /{id}/<name>`: `perform(row, body, actor_id=)` (body {} without a schema) answers
        the row; `conflict` describes its 409 (INVALID_TRANSITION with `allowed`)."""
        resource = self

        def post(self, *args, **path):
            fields = args[0] if args else {}
            return perform(resource.get(path[resource.key]), fields, actor_id=g.user.id)

        view_name = f"{self.name}{name.title().replace('_', '')}"
        _describe(post, view_name, summary, description)
        post = blp.response(200, self.schema)(post)
        if body is not None:
            post = blp.arguments(body)(post)
        if conflict:
            post = conflicts(conflict, transition=True)(post)
        view = type(view_name, (MethodView,), {"post": requires(self.manage)(post)})
        blp.route(f"/<int:{self.key}>/{name}", endpoint=f"{self.key}_{name}")(view)

    def stats(self, blp: Blueprint, compute: Callable, schema, *, summary: str, description: str = "") -> None:
        """`GET /stats`: `compute(statement)`, the list's select of rows narrowed by its filters and `q`
        (models.core.listing.tally counts them by a column)."""
        resource, args_schema = self, filter_args_schema(self.listing, f"{self.name}StatsArgsSchema")

        def get(self, args):
            check_links(args, resource.links)
            return compute(resource.listing.narrow(select(resource.model), args))

        _describe(get, f"{self.name}Stats", summary, description or "Over the rows the list's filters and `q` (or `search`) select.")
        get = blp.response(200, schema)(blp.arguments(args_schema, location="query")(_refused(self.refused_reads)(get)))
        view = type(f"{self.name}Stats", (MethodView,), {"get": requires(self.read)(get)})
        blp.route("/stats", endpoint=f"{self.noun.replace(' ', '_')}_stats")(view)

    def listing_view(self, blp: Blueprint, name: str, spec: ListSpec, narrow: Callable, *, summary: str,
                     description: str = "", **fields) -> None:
        """`GET /<name>`: a list of its own, paged like the list, of the rows `narrow(statement, args)`
        keeps, by `spec` (the list's filters, and a sort of its own); `fields` are its own query
        parameters."""
        resource, view_name = self, f"{self.name}{name.title().replace('_', '')}"
        args_schema = list_args_schema(spec, f"{view_name}ArgsSchema", **fields)

        def get(self, args):
            check_links(args, resource.links)
            return paginate(narrow(resource.rows(), args), args, spec)

        _describe(get, view_name, summary, description)
        get = blp.arguments(args_schema, location="query")(blp.paginated(self.item_schema)(_refused(self.refused_reads)(get)))
        view = type(view_name, (MethodView,), {"get": requires(self.read)(get)})
        blp.route(f"/{name}", endpoint=f"{self.noun.replace(' ', '_')}_{name}")(view)


def _refused(why: str):
    """The operation's refusals beyond its schema, declared when there are some."""
    return refused_beyond_schema(why) if why else (lambda view: view)


def _describe(function, view: str, summary: str, description: str = "") -> None:
    """The operation's summary and description, as a view's docstring gives them, and its
    operationId's view name (`getLeads`, `patchLeadDetail`), as a module-level view's would be."""
    function.__doc__ = f"{summary}\n\n{description}" if description else summary
    function.__qualname__ = f"{view}.{function.__name__}"

"""Data exports: start one (202, then watch it under /admin/jobs and
download its file there), and see what can be exported."""
from flask import g
from flask.views import MethodView

from models.core import exports
from models.core.errors import PermissionDenied
from models.core.permissions import grants
from models.ops import background_job
from web.auth import requires
from web.conventions.background import STARTED_DOC, StartedSchema, accepted
from web.conventions.envelope import Blueprint
from web.conventions.work_limits import starts_work
from web.schemas.exports import ExportRequestSchema, ExportResourceSchema, request_schemas

blp = Blueprint("exports", __name__, url_prefix="/api/v1/admin/exports",
                description="Data exports: CSV or JSON lines files made in the background")


def _readable(spec: exports.ExportSpec) -> bool:
    return grants(g.permissions, spec.permission)


@blp.route("")
class Exports(MethodView):
    @requires("exports:create")
    @starts_work
    @blp.arguments(ExportRequestSchema)
    @blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": {"oneOf": request_schemas()}}}})
    @blp.response(202, StartedSchema, **STARTED_DOC)
    def post(self, body):
        """Export a resource's rows as CSV or JSON lines, in the background.

        Resources: `jobs`, `customers`, `technicians`, `projects`, `users`, each with its own filters
        (`GET /admin/exports/resources`). Poll `status_url`; the finished job has a `download_url`
        (`<resource>-<YYYY-MM-DD>.<format>`). Exporting a resource also needs the right to read it."""
        spec = exports.get(body["resource"])
        if not _readable(spec):
            raise PermissionDenied(f"Your role lacks the permission: {spec.permission}", required=[spec.permission])
        job = background_job.start("export", "exports.run", body, created_by=g.user.id,
                                   organization_id=g.user.organization_id)
        return accepted(job)


@blp.route("/resources")
class ExportResources(MethodView):
    @requires("exports:create")
    @blp.response(200, ExportResourceSchema(many=True))
    def get(self):
        """What the caller may export: each resource's columns, formats and filters."""
        return [spec for spec in exports.resources() if _readable(spec)]

"""Liveness and readiness probes for load balancers and orchestrators, and the index a
browser finds at `/` and `/api/v1`. All public."""
from flask import current_app, jsonify
from flask.views import MethodView
from sqlalchemy import text

from models.core.db import db
from tasks.inspection import timed
from web.auth import public
from web.conventions.envelope import Blueprint
from web.schemas.health import IndexSchema, LiveSchema, ReadySchema

blp = Blueprint("health", __name__, description="Probes and the index of the API")

INDEX = {
    "name": "FieldOps API", "version": "v1",
    "links": {"api": "/api/v1", "openapi": "/api/v1/openapi.json", "docs": "/api/v1/docs",
              "healthz": "/healthz", "readyz": "/readyz"},
    "guides": "docs/api.md and docs/events.md in the FieldOps repository",
}


@blp.route("/")
class Index(MethodView):
    @public
    @blp.response(200, IndexSchema)
    def get(self):
        """Where things are: the API, its OpenAPI document and its interactive docs.

        Also served at `/api/v1` and `/api`, the API's root."""
        return INDEX


@blp.route("/healthz")
class Live(MethodView):
    @public
    @blp.response(200, LiveSchema)
    def get(self):
        """Liveness: the web process answers (it checks nothing else)."""
        return {"status": "ok"}


@blp.route("/readyz")
class Ready(MethodView):
    @public
    @blp.response(200, ReadySchema)
    @blp.doc(responses={503: {"description": "A dependency is unreachable: `success: false`, `data` with the "
                                             "checks and `error.details` naming the failing ones"}})
    def get(self):
        """Readiness: the database and Redis answer, each within about a second."""
        checks = {
            "database": timed(lambda: db.session.execute(text("SELECT 1"))),
            "redis": timed(lambda: current_app.extensions["redis"].ping()),
        }
        db.session.rollback()
        if all(check["ok"] for check in checks.values()):
            return {"status": "ready", "checks": checks}
        body = {"success": False, "data": {"status": "unavailable", "checks": checks},
                "error": {"code": "SERVICE_UNAVAILABLE", "message": "A dependency is unreachable", "details": checks}}
        response = jsonify(body)
        response.status_code, response.headers["Retry-After"] = 503, "5"
        return response

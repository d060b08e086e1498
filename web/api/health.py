"""Liveness and readiness probes for load balancers and orchestrators (no auth)."""
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from models.db import db
from tasks.inspection import timed

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    return jsonify({"success": True, "data": {"status": "ok"}})


@blp.get("/readyz")
def readyz():
    checks = {
        "database": timed(lambda: db.session.execute(text("SELECT 1"))),
        "redis": timed(lambda: current_app.extensions["redis"].ping()),
    }
    db.session.rollback()
    ready = all(check["ok"] for check in checks.values())
    body = {"success": ready, "data": {"status": "ready" if ready else "unavailable", "checks": checks}}
    if not ready:
        body["error"] = {"code": "SERVICE_UNAVAILABLE", "message": "A dependency is unreachable", "details": checks}
    return jsonify(body), 200 if ready else 503

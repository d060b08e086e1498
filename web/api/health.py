"""Liveness and readiness probes for load balancers and orchestrators (no auth)."""
import time

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from models.db import db

blp = Blueprint("health", __name__)


@blp.get("/healthz")
def healthz():
    return jsonify({"success": True, "data": {"status": "ok"}})


def _timed(check):
    started = time.perf_counter()
    try:
        check()
        return {"ok": True, "latency_ms": round((time.perf_counter() - started) * 1000, 2)}
    except Exception as exc:  # a probe reports, it does not raise
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


@blp.get("/readyz")
def readyz():
    checks = {
        "database": _timed(lambda: db.session.execute(text("SELECT 1"))),
        "redis": _timed(lambda: current_app.extensions["redis"].ping()),
    }
    db.session.rollback()
    ready = all(check["ok"] for check in checks.values())
    body = {"success": ready, "data": {"status": "ready" if ready else "unavailable", "checks": checks}}
    if not ready:
        body["error"] = {"code": "SERVICE_UNAVAILABLE", "message": "A dependency is unreachable", "details": checks}
    return jsonify(body), 200 if ready else 503

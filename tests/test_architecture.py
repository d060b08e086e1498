"""Project-wide guarantees that no single endpoint test would catch."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models.db import db


def test_migrations_build_exactly_the_models_schema(app):
    with app.app_context(), db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), db.metadata) == []


def test_every_api_route_is_public_or_checks_a_permission(app):
    unchecked, examined = [], 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith("api-docs"):
            continue
        view = app.view_functions[rule.endpoint]
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            handler = getattr(getattr(view, "view_class", None), method.lower(), view)
            examined += 1
            if not (getattr(handler, "_public", False) or hasattr(handler, "_permissions")):
                unchecked.append(f"{method} {rule.rule}")
    assert examined >= 12 and unchecked == []

"""Project-wide guarantees that no single endpoint test would catch."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models.core.db import db


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


def test_code_and_docs_cite_only_what_the_repository_holds():
    """Comments, docstrings and guides point to docs/, not to documents outside the repository."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parent.parent
    spec, design = "SP" "EC", "DES" "IGN"  # spelled apart, so that this file does not cite them
    cited = re.compile(rf"{spec} §|{spec}\.md|{design}\.md|\bthe {spec}\b")
    offending = [f"{path.relative_to(root)}:{number}"
                 for folder in ("models", "web", "tasks", "sockets", "scripts", "tests", "docs")
                 for path in (root / folder).rglob("*") if path.suffix in (".py", ".md")
                 for number, line in enumerate(path.read_text().splitlines(), start=1) if cited.search(line)]
    offending += [f"README.md:{n}" for n, line in enumerate((root / "README.md").read_text().splitlines(), 1)
                  if cited.search(line)]
    assert offending == []

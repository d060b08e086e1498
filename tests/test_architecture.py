"""Project-wide guarantees that no single endpoint test would catch."""
import ast
import configparser
import pathlib
import re

import grimp
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models.core.db import db
from models.domains import DOMAINS

ROOT = pathlib.Path(__file__).resolve().parent.parent
FLOORS = ("models", "tasks", "sockets", "web")
# Imports that may sit inside a function, and why; none of them dodges an import cycle.
DEFERRED_IMPORTS = {
    ("web/__init__.py", "web.app"): "python -m web.server monkey-patches with eventlet before Flask is imported",
    ("web/app.py", "eventlet.patcher"): "an optional dependency, probed",
    ("web/flower_app.py", "web.worker"): "builds the Flask app only once Flower's checks passed",
    ("sockets/fanout.py", "engineio.async_drivers.eventlet"): "imports eventlet: only in a web process running on it",
}


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
    root = ROOT
    spec, design = "SP" "EC", "DES" "IGN"  # spelled apart, so that this file does not cite them
    cited = re.compile(rf"{spec} §|{spec}\.md|{design}\.md|\bthe {spec}\b")
    offending = [f"{path.relative_to(root)}:{number}"
                 for folder in ("models", "web", "tasks", "sockets", "scripts", "tests", "docs")
                 for path in (root / folder).rglob("*") if path.suffix in (".py", ".md")
                 for number, line in enumerate(path.read_text().splitlines(), start=1) if cited.search(line)]
    offending += [f"README.md:{n}" for n, line in enumerate((root / "README.md").read_text().splitlines(), 1)
                  if cited.search(line)]
    assert offending == []


def test_imports_sit_at_the_top_of_their_module():
    """An import inside a function hides a dependency from the import contracts (.importlinter)."""
    deferred = []
    for floor in FLOORS:
        for path in sorted((ROOT / floor).rglob("*.py")):
            name = str(path.relative_to(ROOT))
            for node in ast.walk(ast.parse(path.read_text(), name)):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    for inner in ast.walk(node):
                        if isinstance(inner, ast.Import):
                            deferred += [(name, alias.name) for alias in inner.names]
                        elif isinstance(inner, ast.ImportFrom):
                            deferred.append((name, inner.module))
    assert sorted(set(deferred) - set(DEFERRED_IMPORTS)) == []


def test_domains_import_exactly_the_domains_they_declare():
    """depends_on in models/<domain>/__init__.py is what the domain imports, and what the
    independence contract of .importlinter lets it import."""
    graph = grimp.build_graph("models")
    names = [domain.name for domain in DOMAINS]
    declared = {(domain.name, other) for domain in DOMAINS for other in domain.depends_on}
    imported = {(name, other) for name in names for other in names
                if other != name and graph.direct_import_exists(importer=f"models.{name}", imported=f"models.{other}",
                                                                as_packages=True)}
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    contract = config["importlinter:contract:domains"]
    independent = {line.strip().removeprefix("models.") for line in contract["modules"].split()}
    allowed = {tuple(part.strip().split(".")[1] for part in line.split("->"))
               for line in contract["ignore_imports"].strip().splitlines()}
    assert imported == declared
    assert allowed == declared and independent == set(names)

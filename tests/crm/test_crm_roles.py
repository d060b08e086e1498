"""`crm:read` in the built-in roles: for new organizations (BUILTIN_ROLES) and, by the migration,
for the roles the organizations already have."""
import importlib.util
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import select

from models.core import permissions
from models.identity import Role

MIGRATION = Path(__file__).parents[2] / "models/migrations/versions/8c4f2d61a7e3_crm_leads_deals.py"


def _roles(conn, org_id):
    table = Role.__table__
    return dict(conn.execute(select(table.c.name, table.c.permissions).where(table.c.organization_id == org_id)).all())


def test_the_crm_declares_its_permissions():
    assert {"crm:read", "crm:manage"} <= set(permissions.PERMISSIONS)


def test_the_migration_gives_crm_read_to_admin_support_and_dispatcher(db, auth):
    spec = importlib.util.spec_from_file_location("crm_leads_deals", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with db.engine.begin() as conn:
        assert all("crm:read" in _roles(conn, auth.a.org_id)[role] for role in ("admin", "support", "dispatcher"))
        with Operations.context(MigrationContext.configure(conn)):
            migration._set_crm_read(False)  # as the organization's roles were before it
            before = _roles(conn, auth.a.org_id)
            migration._set_crm_read(True)
        after = _roles(conn, auth.a.org_id)
    assert not any("crm:read" in granted for granted in before.values())
    gained = {name for name in after if set(after[name]) - set(before[name])}
    assert gained == {"admin", "support", "dispatcher"}
    assert set(after["support"]) - set(before["support"]) == {"crm:read"}

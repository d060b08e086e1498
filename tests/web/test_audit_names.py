"""The audit log names what changed with lowercase snake_case entity types, a closed list."""
import importlib.util
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import insert, select

from models.core.audit import AuditLogEntry, entity_types, snake_case
from tests.support.dispatch import Board

MIGRATION = Path(__file__).parents[2] / "models/migrations/versions/44752552188a_audit_entity_type_names.py"


def log(client, tenant, **query):
    return client.get("/api/v1/admin/audit-log", headers=tenant.headers("admin"), query_string=query)


def test_entity_types_are_snake_case_class_names():
    assert [snake_case(name) for name in ("Job", "JobNote", "BackgroundJob", "HTTPSender")] == [
        "job", "job_note", "background_job", "http_sender"]


def test_entries_are_filtered_by_their_snake_case_entity_type(client, auth):
    board = Board(client, auth.a)
    customer = board.customer()
    job = board.job(customer["id"])
    board.client.post(f"/api/v1/jobs/{job['id']}/notes", headers=board.headers, json={"body": "Gate code"})
    jobs = log(client, auth.a, entity_type="job").get_json()["data"]
    assert [(e["entity_type"], e["entity_id"], e["action"]) for e in jobs] == [("job", str(job["id"]), "create")]
    notes = log(client, auth.a, entity_type="job_note").get_json()["data"]
    assert len(notes) == 1 and notes[0]["after"]["body"] == "Gate code"
    everything = log(client, auth.a, per_page=100).get_json()["data"]
    written = {e["entity_type"] for e in everything}  # the tenant's setup wrote its organization, users, roles
    assert written == {"organization", "user", "role", "customer", "job", "job_note"}


def test_an_unknown_entity_type_is_422(client, auth):
    for unknown in ("Job", "jobs", "invoice"):
        r = log(client, auth.a, entity_type=unknown)
        assert r.status_code == 422 and "entity_type" in r.get_json()["error"]["details"], unknown


def test_the_document_lists_every_audited_entity_type(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    parameters = spec["paths"]["/api/v1/admin/audit-log"]["get"]["parameters"]
    (entity_type,) = [p for p in parameters if p.get("name") == "entity_type"]
    assert entity_type["schema"]["enum"] == entity_types()
    assert {"organization", "user", "role", "customer", "technician", "project", "job", "job_note", "job_photo",
            "backup"} <= set(entity_types())
    assert spec["components"]["schemas"]["AuditEntry"]["properties"]["entity_type"]["enum"] == entity_types()


def test_the_migration_renames_the_class_names_already_logged(db, auth):
    spec = importlib.util.spec_from_file_location("audit_entity_type_names", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    old = ["Job", "JobNote", "Customer", "Backup", "BackgroundJob", "job"]
    rows = [dict(organization_id=auth.a.org_id, action="update", entity_type=name, entity_id="1") for name in old]
    with db.engine.begin() as conn:
        conn.execute(insert(AuditLogEntry.__table__), rows)
        with Operations.context(MigrationContext.configure(conn)):
            migration.upgrade()
        names = conn.scalars(select(AuditLogEntry.entity_type).order_by(AuditLogEntry.id)).all()
    assert names[-len(old):] == ["job", "job_note", "customer", "backup", "background_job", "job"]

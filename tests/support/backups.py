"""Backups and restores driven through the admin API, and the database dumps they are checked against."""
from sqlalchemy import select

from models.ops.backup_tables import backed_up_tables
from tests.support.waiting import wait_for

SYSTEM, JOBS = "/api/v1/admin/system", "/api/v1/admin/jobs"
FINISHED = ("succeeded", "failed", "cancelled")


def run(client, tenant, path, body=None, kind="backup"):
    """Start a backup or restore as the tenant's admin and wait for it: the job's detail."""
    r = client.post(f"{SYSTEM}/{path}", headers=tenant.headers(), json=body)
    assert r.status_code == 202, r.get_json()
    job_id = r.get_json()["data"]["job_id"]
    assert r.headers["Location"] == f"{JOBS}/{job_id}"

    def status():
        rows = client.get(JOBS, headers=tenant.headers(), query_string={"kind": kind, "per_page": 100})
        return next(row for row in rows.get_json()["data"] if row["id"] == job_id)["status"] in FINISHED

    wait_for(status, timeout=30)
    return client.get(f"{JOBS}/{job_id}", headers=tenant.headers()).get_json()["data"]


def backup(client, tenant):
    job = run(client, tenant, "backup")
    assert job["status"] == "succeeded", job
    return job


def restore(client, tenant, backup_id, dry_run=False):
    return run(client, tenant, "restore", {"backup_id": backup_id, "dry_run": dry_run}, kind="restore")


def dump(db, org_id):
    """Every backed-up row of the organization, every column, in primary-key order."""
    db.session.rollback()
    with db.engine.connect() as conn:
        return {table.name: [dict(row._mapping) for row in conn.execute(
            select(table.table).where(table.scope(org_id)).order_by(*table.key_columns))]
            for table in backed_up_tables()}


def differences(now, expected) -> list:
    """Where two dumps differ, down to the column (empty when they are equal)."""
    found = []
    for table, rows in expected.items():
        if len(now[table]) != len(rows):
            found.append(f"{table}: {len(now[table])} rows instead of {len(rows)}")
            continue
        for got, want in zip(now[table], rows):
            found += [f"{table} {want.get('id')}.{name}: {got.get(name)!r} instead of {value!r}"
                      for name, value in want.items() if got.get(name) != value]
    return found

"""Exports driven through the API as an admin's page would: start, poll, download."""
import csv
import io

from sqlalchemy import insert

from models.core import storage
from models.core.db import utcnow
from models.dispatch import Job
from tests.support.waiting import wait_for

EXPORTS, JOBS = "/api/v1/admin/exports", "/api/v1/admin/jobs"
JOB_COLUMNS = ["id", "title", "description", "status", "priority", "service_type", "customer_id", "customer_name",
               "project_id", "project_name", "technician_id", "technician_name", "scheduled_date",
               "estimated_duration", "address", "city", "lat", "lng", "value", "actual_start", "actual_end",
               "created_at", "updated_at"]


def start(client, tenant, resource="jobs", fmt="csv", by="admin", **filters):
    return client.post(EXPORTS, headers=tenant.headers(by), json={"resource": resource, "format": fmt,
                                                                 "filters": filters})


def listed(client, tenant, job_id):
    """The job as the jobs list shows it (what a page polling its exports sees)."""
    rows = client.get(JOBS, headers=tenant.headers(), query_string={"kind": "export"}).get_json()["data"]
    return next(row for row in rows if row["id"] == job_id)


def finished(client, tenant, job_id, timeout=30):
    """Wait for the job to end; its detail."""
    wait_for(lambda: listed(client, tenant, job_id)["status"] in ("succeeded", "failed", "cancelled"), timeout)
    return client.get(f"{JOBS}/{job_id}", headers=tenant.headers()).get_json()["data"]


def exported(client, tenant, resource="jobs", fmt="csv", **filters):
    """Start an export, wait for it, download it: (job detail, the file's text, the download response)."""
    r = start(client, tenant, resource, fmt, **filters)
    assert r.status_code == 202, r.get_json()
    job = finished(client, tenant, r.get_json()["data"]["job_id"])
    assert job["status"] == "succeeded", job
    download = client.get(job["download_url"], headers=tenant.headers())
    assert download.status_code == 200
    return job, download.data.decode("utf-8-sig"), download


def csv_rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def export_files(app, org_id, job_id):
    """The job's files in storage, partial ones included."""
    with app.app_context():
        folder = storage.path_of(f"exports/{org_id}")
        return sorted(p.name for p in folder.iterdir() if job_id in p.name) if folder.is_dir() else []


def bulk_jobs(db, org_id, customer_id, count, **fields):
    """Many jobs at once (a Core insert, as an import would write them)."""
    now = utcnow()
    rows = [{"organization_id": org_id, "customer_id": customer_id, "title": f"Bulk job {n}", "status": "pending",
             "priority": "medium", "address": f"{n} Long Road", "value": n % 1000, "created_at": now,
             "updated_at": now, "version": 1, **fields} for n in range(count)]
    for i in range(0, count, 5000):
        db.session.execute(insert(Job.__table__), rows[i:i + 5000])
    db.session.commit()

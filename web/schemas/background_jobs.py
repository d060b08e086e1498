"""Background jobs: the admin jobs API (the 202 answer of every endpoint that starts
one is web.conventions.background)."""
import marshmallow as ma

from models.ops.background_job import BACKGROUND_JOBS, STATUSES
from web.conventions import file_links
from web.conventions.background import DOWNLOAD_URL
from web.schemas.common import UTCDateTime
from web.schemas.listing import list_args_schema


class BackgroundJobSchema(ma.Schema):
    """Dumps a BackgroundJob."""

    id = ma.fields.String(metadata={"description": "Also the Celery task id"})
    kind = ma.fields.String(metadata={"example": "export"})
    status = ma.fields.String(metadata={"enum": list(STATUSES)})
    progress = ma.fields.Integer(metadata={"description": "0-100"})
    message = ma.fields.String(allow_none=True, metadata={"example": "Exported 40000 of 100000 rows"})
    params = ma.fields.Dict()
    result = ma.fields.Dict(allow_none=True)
    error = ma.fields.String(allow_none=True)
    created_by = ma.fields.Integer(allow_none=True)
    created_at = UTCDateTime()
    started_at = UTCDateTime(allow_none=True)
    finished_at = UTCDateTime(allow_none=True)
    attempts = ma.fields.Integer(metadata={"description": "Deliveries to a worker, retries included"})
    cancel_requested = ma.fields.Boolean()
    worker = ma.fields.String(allow_none=True, metadata={"description": "The worker that ran it last"})
    file_name = ma.fields.String(attribute="artifact_name", allow_none=True)
    file_size = ma.fields.Integer(attribute="artifact_bytes", allow_none=True)
    download_url = ma.fields.Method("_download_url", allow_none=True, metadata={
        "type": "string", "nullable": True, "description": "Set once a succeeded job has a file"})

    def _download_url(self, job):
        return DOWNLOAD_URL.format(id=job.id) if job.artifact_key and job.status == "succeeded" else None


class BackgroundJobDetailSchema(BackgroundJobSchema):
    """Dumps a `BackgroundJobDetail` (the row plus what Celery says now)."""

    celery_state = ma.fields.String(allow_none=True, metadata={
        "enum": ["PENDING", "RECEIVED", "STARTED", "SCHEDULED", "SUCCESS", "FAILURE", "REVOKED", "LOST"],
        "description": "PENDING: in the broker's queue; RECEIVED/SCHEDULED: held by a worker; STARTED: running "
                       "on `worker` now; LOST: marked running but no live worker has it (it will be redelivered)"})
    signed_download_url = ma.fields.Method("_signed_download_url", allow_none=True, metadata={
        "type": "string", "nullable": True, "description": "`download_url` as a signed link that needs no bearer "
        "header; expires (FILE_LINK_TTL_SECONDS, docs/api.md#files-and-links)"})

    def _signed_download_url(self, job):
        return file_links.link("download", job.organization_id, job=job.id) if self._download_url(job) else None


BackgroundJobListArgsSchema = list_args_schema(BACKGROUND_JOBS, "BackgroundJobListArgsSchema")

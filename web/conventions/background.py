"""The answer of every endpoint that starts background work:
`202 {"job_id", "status_url"}` with a `Location` header to poll."""
import marshmallow as ma

from models.ops.background_job import STATUSES

STATUS_URL = "/api/v1/admin/jobs/{id}"
DOWNLOAD_URL = "/api/v1/admin/jobs/{id}/download"

STARTED_DOC = {"description": "Started: poll `status_url` (also the `Location` header); `job.progress` events follow"}


def accepted(job, answer=None):
    """Return from a view decorated `@blp.response(202, StartedSchema)` (or a schema extending it:
    then `answer` is what it dumps, e.g. the job with the photo it processes)."""
    return answer if answer is not None else job, 202, {"Location": STATUS_URL.format(id=job.id)}


class StartedSchema(ma.Schema):
    """`202 Accepted` from any endpoint that starts background work; poll `status_url`."""

    job_id = ma.fields.String(attribute="id")
    status_url = ma.fields.Function(lambda job: STATUS_URL.format(id=job.id), metadata={
        "type": "string", "example": "/api/v1/admin/jobs/7d1e0c4e-8b0a-4c55-9f57-2b4f3b1c9e10",
        "description": "GET it to follow the job (also the `Location` header)"})
    kind = ma.fields.String(metadata={"example": "export"})
    status = ma.fields.String(metadata={"enum": list(STATUSES)})

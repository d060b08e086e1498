"""The answer of every endpoint that starts background work:
`202 {"job_id", "status_url"}` with a `Location` header to poll."""
from web.schemas.background_jobs import STATUS_URL, StartedSchema

STARTED_DOC = {"description": "Started: poll `status_url` (also the `Location` header); `job.progress` events follow"}


def accepted(job, answer=None):
    """Return from a view decorated `@blp.response(202, StartedSchema)` (or a schema extending it:
    then `answer` is what it dumps, e.g. the job with the photo it processes)."""
    return answer if answer is not None else job, 202, {"Location": STATUS_URL.format(id=job.id)}


__all__ = ["accepted", "StartedSchema", "STARTED_DOC"]

"""Background jobs: watch, poll, cancel, clean up and download the
work that runs on Celery. Admins (`jobs:background`) see the organization's
jobs; anyone else who can start work sees the jobs they started."""
from dataclasses import dataclass

from flask import current_app, g
from flask.views import MethodView

from models.ops import background_job
from models.ops.background_job import BACKGROUND_JOBS, BackgroundJob
from tasks.inspection import live_state
from web.auth import requires_any
from web.conventions import file_links
from web.conventions.envelope import Blueprint
from web.conventions.listing import paginate
from web.schemas.background_jobs import BackgroundJobDetailSchema, BackgroundJobListArgsSchema, BackgroundJobSchema

blp = Blueprint("background_jobs", __name__, url_prefix="/api/v1/admin/jobs",
                description="Background work: exports, backups, restores, rollups")
# Whoever may start background work may watch their own; jobs:background sees all.
watches_jobs = requires_any("jobs:background", "exports:create", "system:backup", "system:restore", "analytics:read")



def _visible(job_id: str) -> BackgroundJob:
    return background_job.get_visible(job_id, g.user.id, g.permissions)


@dataclass
class BackgroundJobDetail:
    """The row's fields plus Celery's live view of it."""
    job: BackgroundJob
    celery_state: str | None
    worker: str | None

    def __getattr__(self, name):
        return getattr(self.job, name)


def _detail(job: BackgroundJob) -> BackgroundJobDetail:
    state, worker = live_state(current_app.extensions["celery"], job)
    return BackgroundJobDetail(job, state, worker)


@blp.route("")
class BackgroundJobs(MethodView):
    @watches_jobs
    @blp.arguments(BackgroundJobListArgsSchema, location="query")
    @blp.paginated(BackgroundJobSchema)
    def get(self, args):
        """The background jobs the caller may see, newest first.

        Filters: kind, status (comma lists); `q` searches the id, kind, message, error and file name."""
        return paginate(background_job.visible(g.user.id, g.permissions), args, BACKGROUND_JOBS)


@blp.route("/<string:job_id>")
class BackgroundJobResource(MethodView):
    @watches_jobs
    @blp.response(200, BackgroundJobDetailSchema)
    def get(self, job_id):
        """One background job, with `celery_state` and `worker` as the workers report them now."""
        return _detail(_visible(job_id))

    @watches_jobs
    @blp.response(204)
    @blp.doc(responses={"409": {"description": "Still queued or running: cancel it first"}})
    def delete(self, job_id):
        """Remove a finished job and its file."""
        background_job.delete(_visible(job_id))


@blp.route("/<string:job_id>/cancel")
class BackgroundJobCancel(MethodView):
    @watches_jobs
    @blp.response(200, BackgroundJobDetailSchema)
    @blp.doc(responses={"409": {"description": "Already finished"}})
    def post(self, job_id):
        """Cancel a background job.

        A queued job is cancelled at once; a running one stops at its next progress report, within
        seconds (`cancel_requested` is true until it has); one marked running that its worker no longer
        has (`celery_state` LOST) at once. A finished one is 409."""
        job = _visible(job_id)
        detail = _detail(job) if job.status == "running" else None  # only a running job needs Celery's view
        background_job.cancel(job, abandoned=detail is not None and detail.celery_state == "LOST")
        return _detail(job) if detail is None or job.finished else detail


@blp.route("/<string:job_id>/download")
class BackgroundJobDownload(MethodView):
    @watches_jobs
    @blp.response(200)
    @blp.doc(responses={"200": {"description": "The job's file (an export, a backup archive)",
                                "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                                    "format": "binary"}}}},
                        "409": {"description": "Not finished yet"}})
    def get(self, job_id):
        """The file a succeeded job produced, as an attachment named after its contents and date."""
        return file_links.send(background_job.artifact_file(_visible(job_id)), attachment=True)

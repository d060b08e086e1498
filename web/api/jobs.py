from flask import g
from flask.views import MethodView

from models.dispatch import Job
from models.dispatch import job_commands as commands
from models.dispatch.job_access import detail_of, get_visible_job, load_detail, visible
from models.dispatch.job_list import JOBS, list_items
from web.auth import requires, requires_any
from web.conventions import count_cache
from web.conventions.envelope import Blueprint, created
from web.conventions.listing import MAPPINGS, paginate
from web.conventions.openapi import conflicts, refused_beyond_schema
from web.schemas.jobs import (AssignSchema, HistoryEntrySchema, JobDetailSchema, JobInputSchema, JobListArgsSchema,
                              JobListItemSchema, JobUpdateSchema, NoteInputSchema, NoteSchema, StatusChangeSchema)

blp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs", description="Field jobs and their workflow")
PROJECT_OF_THE_CUSTOMER = "`project_id` must name a project of the job's customer"
# Which jobs: see job_access.visible (customers: their own customer's).
reads_jobs = requires_any("jobs:read", "jobs:read_assigned", "portal:access")

count_cache.cache_counts_of(Job)  # the dispatch board's hot path (README, Benchmarks)


@blp.route("")
class Jobs(MethodView):
    @reads_jobs
    @blp.arguments(JobListArgsSchema, location="query")
    @blp.paginated(JobListItemSchema, cursor=True)
    @refused_beyond_schema("a `cursor` this list did not give, or made for another sort, or sent with `page`")
    def get(self, args):
        """List the jobs the caller may see.

        Technicians see the jobs assigned to them, a customer's account its customer's jobs. Filters:
        `status`, `priority` (comma lists), `technician_id`, `customer_id`, `project_id`, `date_from`,
        `date_to` (the scheduled date); `q` searches the title, the address and the customer's name.
        Pages by number (`page`), or by keyset (`cursor`, then `meta.next_cursor`) to scroll deep at
        the first page's cost."""
        return paginate(list_items().where(visible()), args, JOBS, items=MAPPINGS)

    @requires("jobs:write")
    @blp.arguments(JobInputSchema)
    @blp.response(201, JobDetailSchema)
    @refused_beyond_schema(PROJECT_OF_THE_CUSTOMER)
    def post(self, body):
        """Create a job (pending, without a technician until one is assigned).

        A `project_id` must name a project of the job's customer (422 otherwise)."""
        job = commands.create_job(body, actor_id=g.user.id)
        return created(load_detail(job.id), f"{blp.url_prefix}/{job.id}")


@blp.route("/<int:job_id>")
class JobDetail(MethodView):
    @reads_jobs
    @blp.response(200, JobDetailSchema)
    def get(self, job_id):
        """A job with its customer, technician, location, schedule, notes and photos."""
        return load_detail(job_id)

    @requires("jobs:write")
    @blp.arguments(JobUpdateSchema)
    @blp.response(200, JobDetailSchema)
    @conflicts("The job changed since the `version` you sent (`details.version`), or concurrently; reload it")
    @refused_beyond_schema(PROJECT_OF_THE_CUSTOMER)
    def patch(self, body, job_id):
        """Edit a job's fields.

        Send the `version` you edited to be told (409) when someone else changed the job meanwhile. A
        `project_id` must name a project of the job's customer (422). The status moves through
        `PUT /jobs/{id}/status`, the technician through `PUT /jobs/{id}/assign`."""
        job = get_visible_job(job_id)
        expected = body.pop("version", None)
        commands.update_job(job, body, expected_version=expected)
        return detail_of(job)

    @requires("jobs:write")
    @blp.response(204)
    def delete(self, job_id):
        """Delete a job (soft delete: it leaves lists and details)."""
        commands.delete_job(get_visible_job(job_id))


@blp.route("/<int:job_id>/status")
class JobStatus(MethodView):
    @requires("jobs:update_status")
    @blp.arguments(StatusChangeSchema)
    @blp.response(200, JobDetailSchema)
    @conflicts("INVALID_TRANSITION: not a move this status allows (`details.allowed`)", transition=True)
    def put(self, body, job_id):
        """Move a job through its workflow.

        An invalid move is 409 INVALID_TRANSITION with `details.allowed`; moves that need someone doing
        the work (`assigned`, `en_route`, `in_progress`) need a technician assigned first."""
        job = get_visible_job(job_id)
        job.move_to(body["status"], actor_id=g.user.id, reason=body.get("reason"))
        return detail_of(job)


@blp.route("/<int:job_id>/assign")
class JobAssignment(MethodView):
    @requires("jobs:assign")
    @blp.arguments(AssignSchema)
    @blp.response(200, JobDetailSchema)
    @conflicts("The job is under way (it changes hands only before work starts), or the technician is offline")
    def put(self, body, job_id):
        """Assign a technician to a job, or `null` to take it back.

        The technician must be of this organization and not offline. A pending or scheduled job becomes
        assigned; an assigned job left without anyone, pending."""
        job = get_visible_job(job_id)
        commands.assign(job, body["technician_id"], actor_id=g.user.id)
        return detail_of(job)


@blp.route("/<int:job_id>/history")
class JobHistory(MethodView):
    @reads_jobs
    @blp.response(200, HistoryEntrySchema(many=True))
    def get(self, job_id):
        """Every status change of a job, with who made it, when and why."""
        return commands.history(get_visible_job(job_id))


@blp.route("/<int:job_id>/notes")
class JobNotes(MethodView):
    @requires("jobs:write")
    @blp.arguments(NoteInputSchema)
    @blp.response(201, NoteSchema)
    def post(self, body, job_id):
        """Add a note to a job (shown in its detail's `notes`)."""
        note = commands.add_note(get_visible_job(job_id), body["body"],
                                 author_id=g.user.id)
        return created(note, f"{blp.url_prefix}/{job_id}")  # notes are read in the job's detail

from flask import g
from flask.views import MethodView

from models.core.db import db
from models.core.errors import NotFound
from models.core.tenancy import get_or_404
from models.dispatch import Job, Project
from models.dispatch import project as projects
from models.dispatch.job_list import list_items
from models.dispatch.project import PROJECTS, ProjectProgress, progress_query, with_progress
from web.auth import requires
from web.conventions.envelope import Blueprint, created
from web.conventions.listing import ROWS, paginate
from web.conventions.openapi import conflicts, refused_beyond_schema
from web.schemas.projects import (ProjectDetailSchema, ProjectHistoryEntrySchema, ProjectInputSchema,
                                  ProjectListArgsSchema, ProjectListItemSchema, ProjectUpdateSchema)

blp = Blueprint("projects", __name__, url_prefix="/api/v1/projects", description="Projects grouping jobs")


def _with_progress(project_id: int) -> ProjectProgress:
    rows = db.session.execute(progress_query().where(Project.id == project_id)).all()
    if not rows:
        raise NotFound(f"Project {project_id} not found")
    return with_progress(rows)[0]


def _detail(project_id: int) -> ProjectProgress:
    jobs = db.session.execute(
        list_items().where(Job.project_id == project_id)
        .order_by(Job.scheduled_date.is_(None), Job.scheduled_date, Job.id)
    ).mappings().all()
    detail = _with_progress(project_id)
    detail.jobs = list(jobs)
    return detail


@blp.route("")
class Projects(MethodView):
    @requires("jobs:read")
    @blp.arguments(ProjectListArgsSchema, location="query")
    @blp.paginated(ProjectListItemSchema)
    def get(self, args):
        """List projects with their job counts and progress.

        Filters: `status` (comma list), `customer_id`, `date_from`, `date_to` (the start date); `q`
        searches the name."""
        page = paginate(progress_query(), args, PROJECTS, items=ROWS)
        page.items = with_progress(page.items)
        return page

    @requires("jobs:write")
    @blp.arguments(ProjectInputSchema)
    @blp.response(201, ProjectDetailSchema)
    @refused_beyond_schema("`end_date` before `start_date`")
    def post(self, body):
        """Create a project, `planning` (the default) or `active`.

        Another status, or an `end_date` before its `start_date`, is 422."""
        project = projects.create_project(body, actor_id=g.user.id)
        return created(_detail(project.id), f"{blp.url_prefix}/{project.id}")


@blp.route("/<int:project_id>")
class ProjectDetail(MethodView):
    @requires("jobs:read")
    @blp.response(200, ProjectDetailSchema)
    def get(self, project_id):
        """A project with its progress and every job in it."""
        return _detail(project_id)

    @requires("jobs:write")
    @blp.arguments(ProjectUpdateSchema)
    @blp.response(200, ProjectDetailSchema)
    @conflicts("INVALID_TRANSITION: not a move this status allows (`details.allowed`)", transition=True)
    @refused_beyond_schema("`end_date` before `start_date`, or `reason` without `status`")
    def patch(self, body, project_id):
        """Edit a project's fields, or move its status (with a `reason` for its history).

        The moves `status` allows are listed with it; another is 409 INVALID_TRANSITION with
        `details.allowed`. An `end_date` before its `start_date` is 422."""
        projects.update_project(get_or_404(Project, project_id, "Project"), body, actor_id=g.user.id)
        return _detail(project_id)


@blp.route("/<int:project_id>/history")
class ProjectHistory(MethodView):
    @requires("jobs:read")
    @blp.response(200, ProjectHistoryEntrySchema(many=True))
    def get(self, project_id):
        """Every status change of a project, with who made it, when and why."""
        return projects.history(get_or_404(Project, project_id, "Project"))

from flask.views import MethodView

from models.core.db import db
from models.core.errors import NotFound
from models.core.tenancy import get_or_404
from models.dispatch import Job, Project
from models.dispatch.job_list import list_items
from models.dispatch.project import ProjectProgress, create_project, progress_query, update_project, with_progress
from web.auth import requires
from web.conventions.envelope import Blueprint, created
from web.conventions.listing import ROWS, paginate
from web.schemas.projects import (ProjectDetailSchema, ProjectInputSchema, ProjectListArgsSchema, ProjectListItemSchema,
                                  ProjectUpdateSchema)

blp = Blueprint("projects", __name__, url_prefix="/api/v1/projects", description="Projects grouping jobs")

SORTABLE = {"name": Project.name, "start_date": Project.start_date, "end_date": Project.end_date,
            "status": Project.status, "created_at": Project.created_at}


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

        Filters: `status` (comma list), `customer_id`; `q` searches the name."""
        stmt = progress_query()
        if args.get("status"):
            stmt = stmt.where(Project.status.in_(args["status"]))
        if "customer_id" in args:
            stmt = stmt.where(Project.customer_id == args["customer_id"])
        page = paginate(stmt, args, sortable=SORTABLE, default_sort="name", tiebreaker=Project.id,
                        search=(Project.name,), items=ROWS)
        page.items = with_progress(page.items)
        return page

    @requires("jobs:write")
    @blp.arguments(ProjectInputSchema)
    @blp.response(201, ProjectDetailSchema)
    def post(self, body):
        """Create a project (an `end_date` before its `start_date` is 422)."""
        project = create_project(body)
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
    def patch(self, body, project_id):
        """Edit a project's fields (an `end_date` before its `start_date` is 422)."""
        update_project(get_or_404(Project, project_id, "Project"), body)
        return _detail(project_id)

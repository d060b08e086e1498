"""Projects with progress (seed 000 project list item); inputs; status history."""
import marshmallow as ma

from models.dispatch import project
from models.dispatch.project import PROJECTS
from web.schemas.common import InputSchema, Money, PatchSchema, Text
from web.schemas.jobs import HistoryEntrySchema, JobListItemSchema
from web.schemas.listing import list_args_schema

Str, Int = ma.fields.String, ma.fields.Integer


def Status(**kwargs):
    return Str(metadata={"enum": list(project.STATUSES)}, **kwargs)


class ProjectListItemSchema(ma.Schema):
    id = Int()
    name = Str()
    customer_id = Int()
    customer_name = Str(allow_none=True)
    status = Status()
    start_date = ma.fields.Date(allow_none=True)
    end_date = ma.fields.Date(allow_none=True)
    total_jobs = Int()
    completed_jobs = Int()
    progress_percentage = Int()
    total_value = Money(allow_none=True)


class ProjectDetailSchema(ProjectListItemSchema):
    description = Str(allow_none=True)
    jobs = ma.fields.List(ma.fields.Nested(JobListItemSchema))


MOVES = ("A move of the project's workflow (its current status changes nothing): "
         + "; ".join(f"{status} → {', '.join(moves)}" for status, moves in project.TRANSITIONS.items() if moves)
         + "; " + " and ".join(status for status, moves in project.TRANSITIONS.items() if not moves)
         + " are final. Any other move is 409 INVALID_TRANSITION with `details.allowed`")


class ProjectInputSchema(InputSchema):
    name = Str(required=True, validate=ma.validate.Length(min=1, max=200))
    customer_id = Int(required=True)
    status = Str(load_default=project.INITIAL_STATUSES[0], validate=ma.validate.OneOf(project.INITIAL_STATUSES),
                 metadata={"description": "A project starts as planning or active; later moves go through PATCH"})
    start_date = ma.fields.Date(allow_none=True)
    end_date = ma.fields.Date(allow_none=True)
    total_value = Money(allow_none=True)
    description = Text(10_000, allow_none=True)


class ProjectUpdateSchema(PatchSchema, ProjectInputSchema):
    name = Str(validate=ma.validate.Length(min=1, max=200))
    customer_id = Int()
    status = Str(validate=ma.validate.OneOf(project.STATUSES), metadata={"description": MOVES})
    reason = Text(500, allow_none=True, metadata={"description": "Why the status changes, kept in its history; "
                                                                 "only with `status`"})

    @ma.validates_schema
    def reason_goes_with_status(self, data, **kwargs):
        if "reason" in data and "status" not in data:
            raise ma.ValidationError("only with a status change", "reason")


ProjectListArgsSchema = list_args_schema(PROJECTS, "ProjectListArgsSchema")


class ProjectHistoryEntrySchema(HistoryEntrySchema):
    """A job's history entry with the project's statuses: both are a models.core.workflow.StatusHistory."""

    from_status = Status(allow_none=True)
    to_status = Status()

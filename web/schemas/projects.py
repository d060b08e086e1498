"""Projects with progress (seed 000 project list item)."""
import marshmallow as ma

from models.dispatch import project
from models.dispatch.lists import PROJECTS
from web.conventions.listing import list_args_schema
from web.schemas.common import InputSchema, Money, PatchSchema, Text
from web.schemas.jobs import JobListItemSchema

Str, Int = ma.fields.String, ma.fields.Integer


class ProjectListItemSchema(ma.Schema):
    id = Int()
    name = Str()
    customer_id = Int()
    customer_name = Str(allow_none=True)
    status = Str(metadata={"enum": list(project.STATUSES)})
    start_date = ma.fields.Date(allow_none=True)
    end_date = ma.fields.Date(allow_none=True)
    total_jobs = Int()
    completed_jobs = Int()
    progress_percentage = Int()
    total_value = Money(allow_none=True)


class ProjectDetailSchema(ProjectListItemSchema):
    description = Str(allow_none=True)
    jobs = ma.fields.List(ma.fields.Nested(JobListItemSchema))


class ProjectInputSchema(InputSchema):
    name = Str(required=True, validate=ma.validate.Length(min=1, max=200))
    customer_id = Int(required=True)
    status = Str(load_default="planning", validate=ma.validate.OneOf(project.STATUSES))
    start_date = ma.fields.Date(allow_none=True)
    end_date = ma.fields.Date(allow_none=True)
    total_value = Money(allow_none=True)
    description = Text(10_000, allow_none=True)


class ProjectUpdateSchema(PatchSchema, ProjectInputSchema):
    name = Str(validate=ma.validate.Length(min=1, max=200))
    customer_id = Int()
    status = Str(validate=ma.validate.OneOf(project.STATUSES))


ProjectListArgsSchema = list_args_schema(PROJECTS, "ProjectListArgsSchema")

"""Jobs: list item and detail exactly as seed 000 names them; inputs; history and notes."""
import marshmallow as ma

from models.dispatch import job
from models.dispatch.job_list import JOBS
from web.schemas.common import InputSchema, Latitude, Longitude, Money, PatchSchema, Text, UTCDateTime
from web.schemas.listing import list_args_schema
from web.schemas.photos import AttachmentSchema

Str, Int = ma.fields.String, ma.fields.Integer


def Status(**kwargs):
    return Str(metadata={"enum": list(job.STATUSES)}, **kwargs)


def Priority(**kwargs):
    return Str(metadata={"enum": list(job.PRIORITIES)}, **kwargs)


class JobListItemSchema(ma.Schema):
    """Dumps rows of models.dispatch.job_list.list_items()."""

    id = Int()
    title = Str()
    customer_id = Int()
    customer_name = Str(allow_none=True)
    status = Status()
    priority = Priority()
    technician_id = Int(allow_none=True)
    technician_name = Str(allow_none=True)
    scheduled_date = ma.fields.Date(allow_none=True)
    location = Str(attribute="address", allow_none=True)
    estimated_duration = Int(allow_none=True)
    created_at = UTCDateTime()


class JobCustomerSchema(ma.Schema):
    id = Int()
    name = Str()
    contact_person = Str(allow_none=True)


class JobTechnicianSchema(ma.Schema):
    id = Int()
    name = Str()
    phone = Str(allow_none=True)


class AuthorSchema(ma.Schema):
    id = Int()
    name = Str()


class NoteSchema(ma.Schema):
    id = Int()
    body = Str()
    author = ma.fields.Nested(AuthorSchema, allow_none=True)
    created_at = UTCDateTime()


class JobLocationSchema(ma.Schema):
    """Dumps a job: where the work is."""

    address = Str(allow_none=True)
    city = Str(allow_none=True)
    coordinates = ma.fields.Method("_coordinates", allow_none=True, metadata={
        "type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2, "nullable": True,
        "description": "[lat, lng], or null unless both are known", "example": [40.7128, -74.006]})

    def _coordinates(self, job):
        return [job.lat, job.lng] if job.lat is not None and job.lng is not None else None


class JobScheduleSchema(ma.Schema):
    """Dumps a job: when the work is planned and when it happened."""

    scheduled_date = ma.fields.Date(allow_none=True)
    estimated_duration = Int(allow_none=True, metadata={"description": "minutes"})
    actual_start = UTCDateTime(allow_none=True, metadata={"description": "set when work first started"})
    actual_end = UTCDateTime(allow_none=True, metadata={"description": "set when it was completed"})


class JobDetailSchema(ma.Schema):
    id = Int()
    title = Str()
    description = Str(allow_none=True)
    customer = ma.fields.Nested(JobCustomerSchema)
    project_id = Int(allow_none=True)
    status = Status()
    priority = Priority()
    service_type = Str(allow_none=True)
    technician = ma.fields.Nested(JobTechnicianSchema, allow_none=True)
    location = ma.fields.Nested(JobLocationSchema)
    schedule = ma.fields.Nested(JobScheduleSchema)
    value = Money(allow_none=True)
    currency = Str(metadata={"example": "USD"})
    version = Int(metadata={"description": "send it back in a PATCH to be told (409) of a concurrent change"})
    notes = ma.fields.List(ma.fields.Nested(NoteSchema))
    attachments = ma.fields.List(ma.fields.Nested(AttachmentSchema), metadata={"description": "its photos"})
    created_at = UTCDateTime()
    updated_at = UTCDateTime()

    def get_attribute(self, obj, attr, default):
        if attr in ("location", "schedule"):  # groups of the job's own columns
            return obj
        return super().get_attribute(obj, attr, default)


class JobInputSchema(InputSchema):
    title = Str(required=True, validate=ma.validate.Length(min=1, max=200))
    description = Text(10_000, allow_none=True)
    customer_id = Int(required=True)
    project_id = Int(allow_none=True)
    priority = Str(load_default="medium", validate=ma.validate.OneOf(job.PRIORITIES))
    service_type = Text(80, allow_none=True)
    scheduled_date = ma.fields.Date(allow_none=True)
    estimated_duration = Int(allow_none=True, validate=ma.validate.Range(min=1, max=7 * 24 * 60))
    address = Text(300, allow_none=True)
    city = Text(120, allow_none=True)
    lat = Latitude(allow_none=True)
    lng = Longitude(allow_none=True)
    value = Money(allow_none=True)


class JobUpdateSchema(PatchSchema, JobInputSchema):
    title = Str(validate=ma.validate.Length(min=1, max=200))
    customer_id = Int()
    priority = Str(validate=ma.validate.OneOf(job.PRIORITIES))
    version = Int(metadata={"description": "the version you edited; 409 if the job changed since"})


JobListArgsSchema = list_args_schema(JOBS, "JobListArgsSchema", cursor=True)


class StatusChangeSchema(InputSchema):
    status = Str(required=True, validate=ma.validate.OneOf(job.STATUSES))
    reason = Text(500, allow_none=True)


class AssignSchema(InputSchema):
    technician_id = Int(required=True, allow_none=True)


class NoteInputSchema(InputSchema):
    body = Str(required=True, validate=ma.validate.Length(min=1, max=10_000))


class HistoryEntrySchema(ma.Schema):
    id = Int()
    from_status = Status(allow_none=True)
    to_status = Status()
    actor_id = Int(allow_none=True)
    reason = Str(allow_none=True)
    created_at = UTCDateTime()

"""Dispatch payloads, field for field as seed 000 names them."""
import marshmallow as ma

from models.dispatch import job, project, technician
from web.conventions.listing import CommaList, ListArgsSchema
from web.schemas.common import Email, InputSchema, UTCDateTime

Str, Int = ma.fields.String, ma.fields.Integer


class Money(ma.fields.Field):
    """A number with two decimals (SPEC §2)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else round(float(value), 2)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            amount = round(float(value), 2)
        except (TypeError, ValueError):
            raise ma.ValidationError("must be a number")
        if amount < 0 or amount > 9_999_999_999:
            raise ma.ValidationError("must be between 0 and 9999999999")
        return amount


def Latitude(**kw):
    return ma.fields.Float(validate=ma.validate.Range(-90, 90), **kw)


def Longitude(**kw):
    return ma.fields.Float(validate=ma.validate.Range(-180, 180), **kw)


def Text(max_length, **kw):
    return Str(validate=ma.validate.Length(max=max_length), **kw)


# --- customers ----------------------------------------------------------------

class CustomerSchema(ma.Schema):
    id = Int()
    name = Str()
    contact_person = Str(allow_none=True)
    email = Str(allow_none=True)
    phone = Str(allow_none=True)
    address = Str(allow_none=True)
    city = Str(allow_none=True)
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class CustomerInputSchema(InputSchema):
    name = Str(required=True, validate=ma.validate.Length(min=1, max=200))
    contact_person = Text(200, allow_none=True)
    email = Email(allow_none=True)
    phone = Text(40, allow_none=True)
    address = Text(300, allow_none=True)
    city = Text(120, allow_none=True)


class CustomerUpdateSchema(CustomerInputSchema):
    name = Str(validate=ma.validate.Length(min=1, max=200))


class CustomerListArgsSchema(ListArgsSchema, InputSchema):
    city = Str()


# --- technicians --------------------------------------------------------------

class LocationSchema(ma.Schema):
    lat = ma.fields.Float()
    lng = ma.fields.Float()


class TechnicianSchema(ma.Schema):
    id = Int()
    user_id = Int(allow_none=True)
    name = Str()
    email = Str(allow_none=True)
    phone = Str(allow_none=True)
    status = Str()
    current_job_id = Int(allow_none=True)
    skills = ma.fields.List(Str())
    location = ma.fields.Nested(LocationSchema, allow_none=True)
    location_updated_at = UTCDateTime(allow_none=True)
    distance_km = ma.fields.Method("_distance", metadata={"description": "only with near="})

    def _distance(self, obj):
        distance = getattr(obj, "distance", None)
        return None if distance is None else round(distance, 2)


class TechnicianInputSchema(InputSchema):
    name = Str(required=True, validate=ma.validate.Length(min=1, max=200))
    email = Email(allow_none=True)
    phone = Text(40, allow_none=True)
    skills = ma.fields.List(Text(60), load_default=list)
    status = Str(load_default="available", validate=ma.validate.OneOf(technician.STATUSES))
    user_id = Int(allow_none=True)


class TechnicianUpdateSchema(TechnicianInputSchema):
    name = Str(validate=ma.validate.Length(min=1, max=200))
    skills = ma.fields.List(Text(60))
    status = Str(validate=ma.validate.OneOf(technician.STATUSES))


class TechnicianListArgsSchema(ListArgsSchema, InputSchema):
    status = CommaList(choices=technician.STATUSES)
    skill = Str()
    available = ma.fields.Boolean()
    near = Str(metadata={"description": "lat,lng: nearest first"})
    radius_km = ma.fields.Float(load_default=50.0, validate=ma.validate.Range(min=0.1, max=20000))

    @ma.validates_schema
    def _near(self, data, **kwargs):
        if "near" in data:
            try:
                lat, lng = (float(part) for part in data["near"].split(","))
            except ValueError:
                raise ma.ValidationError("use near=lat,lng", "near")
            if not (-90 <= lat <= 90 and -180 <= lng <= 180):
                raise ma.ValidationError("lat must be within ±90 and lng within ±180", "near")


class LocationInputSchema(InputSchema):
    lat = Latitude(required=True)
    lng = Longitude(required=True)


# --- jobs ---------------------------------------------------------------------

class JobListItemSchema(ma.Schema):
    id = Int()
    title = Str()
    customer_id = Int()
    customer_name = Str(attribute="customer.name")
    status = Str()
    priority = Str()
    technician_id = Int(allow_none=True)
    technician_name = ma.fields.Function(lambda job: job.technician.name if job.technician else None)
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


class NoteSchema(ma.Schema):
    id = Int()
    body = Str()
    author = ma.fields.Function(lambda note: {"id": note.author.id, "name": note.author.name} if note.author else None)
    created_at = UTCDateTime()


class JobDetailSchema(ma.Schema):
    id = Int()
    title = Str()
    description = Str(allow_none=True)
    customer = ma.fields.Nested(JobCustomerSchema)
    project_id = Int(allow_none=True)
    status = Str()
    priority = Str()
    service_type = Str(allow_none=True)
    technician = ma.fields.Nested(JobTechnicianSchema, allow_none=True)
    location = ma.fields.Function(lambda job: {
        "address": job.address, "city": job.city,
        "coordinates": [job.lat, job.lng] if job.lat is not None else None})
    schedule = ma.fields.Function(lambda job: {
        "scheduled_date": job.scheduled_date.isoformat() if job.scheduled_date else None,
        "estimated_duration": job.estimated_duration,
        "actual_start": UTCDateTime()._serialize(job.actual_start, None, None),
        "actual_end": UTCDateTime()._serialize(job.actual_end, None, None)})
    value = Money(allow_none=True)
    currency = Str()
    version = Int()
    notes = ma.fields.List(ma.fields.Nested(NoteSchema))
    attachments = ma.fields.Method("_attachments")
    created_at = UTCDateTime()
    updated_at = UTCDateTime()

    def _attachments(self, job):
        from web.schemas.photos import AttachmentSchema

        return AttachmentSchema(many=True).dump(job.attachments)


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


class JobUpdateSchema(JobInputSchema):
    title = Str(validate=ma.validate.Length(min=1, max=200))
    customer_id = Int()
    priority = Str(validate=ma.validate.OneOf(job.PRIORITIES))
    version = Int(metadata={"description": "the version you edited; 409 if the job changed since"})


class JobListArgsSchema(ListArgsSchema, InputSchema):
    status = CommaList(choices=job.STATUSES)
    priority = CommaList(choices=job.PRIORITIES)
    technician_id = Int()
    customer_id = Int()
    project_id = Int()
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()


class StatusChangeSchema(InputSchema):
    status = Str(required=True, validate=ma.validate.OneOf(job.STATUSES))
    reason = Text(500, allow_none=True)


class AssignSchema(InputSchema):
    technician_id = Int(required=True, allow_none=True)


class NoteInputSchema(InputSchema):
    body = Str(required=True, validate=ma.validate.Length(min=1, max=10_000))


class HistoryEntrySchema(ma.Schema):
    id = Int()
    from_status = Str(allow_none=True)
    to_status = Str()
    actor_id = Int(allow_none=True)
    reason = Str(allow_none=True)
    created_at = UTCDateTime()


# --- projects -----------------------------------------------------------------

class ProjectListItemSchema(ma.Schema):
    id = Int()
    name = Str()
    customer_id = Int()
    customer_name = Str(allow_none=True)
    status = Str()
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


class ProjectUpdateSchema(ProjectInputSchema):
    name = Str(validate=ma.validate.Length(min=1, max=200))
    customer_id = Int()
    status = Str(validate=ma.validate.OneOf(project.STATUSES))


class ProjectListArgsSchema(ListArgsSchema, InputSchema):
    status = CommaList(choices=project.STATUSES)
    customer_id = Int()


# --- options and dashboard ----------------------------------------------------

class OptionSchema(ma.Schema):
    value = Str()
    label = Str()
    color = Str()


class StatusOptionsSchema(ma.Schema):
    job_statuses = ma.fields.List(ma.fields.Nested(OptionSchema))
    priorities = ma.fields.List(ma.fields.Nested(OptionSchema))


class DashboardMetricsSchema(ma.Schema):
    active_jobs = Int()
    online_teams = Int()
    completed_today = Int()
    revenue_today = ma.fields.Float()

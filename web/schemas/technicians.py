"""Technicians (seed 000 shapes)."""
import marshmallow as ma

from models.dispatch import technician
from models.dispatch.technician import TECHNICIANS
from web.schemas.common import Email, InputSchema, Latitude, Longitude, PatchSchema, Text, UTCDateTime
from web.schemas.listing import list_args_schema

Str, Int = ma.fields.String, ma.fields.Integer


class LocationSchema(ma.Schema):
    lat = ma.fields.Float()
    lng = ma.fields.Float()


class TechnicianSchema(ma.Schema):
    id = Int()
    user_id = Int(allow_none=True)
    name = Str()
    email = Str(allow_none=True)
    phone = Str(allow_none=True)
    status = Str(metadata={"enum": list(technician.STATUSES)})
    current_job_id = Int(allow_none=True)
    skills = ma.fields.List(Str())
    location = ma.fields.Nested(LocationSchema, allow_none=True)
    location_updated_at = UTCDateTime(allow_none=True)
    distance_km = ma.fields.Method("_distance", metadata={
        "type": "number", "nullable": True, "description": "From `near`, in km; null without near="})

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


class TechnicianUpdateSchema(PatchSchema, TechnicianInputSchema):
    name = Str(validate=ma.validate.Length(min=1, max=200))
    skills = ma.fields.List(Text(60))
    status = Str(validate=ma.validate.OneOf(technician.STATUSES))


LATITUDE = r"-?(90(\.0+)?|[0-8]?[0-9](\.[0-9]+)?)"
LONGITUDE = r"-?(180(\.0+)?|(1[0-7][0-9]|[0-9]?[0-9])(\.[0-9]+)?)"
NEAR = f"^{LATITUDE},{LONGITUDE}$"


TechnicianListArgsSchema = list_args_schema(
    TECHNICIANS, "TechnicianListArgsSchema",
    near=Str(validate=ma.validate.Regexp(NEAR, error="use near=lat,lng with lat within ±90 and lng within ±180"),
             metadata={"description": "lat,lng (decimal degrees): nearest first, within radius_km",
                       "example": "40.7128,-74.0060"}),
    radius_km=ma.fields.Float(load_default=50.0, validate=ma.validate.Range(min=0.1, max=20000)))


class LocationInputSchema(InputSchema):
    lat = Latitude(required=True)
    lng = Longitude(required=True)

"""Services vendors offer (docs/api.md#services)."""
import marshmallow as ma

from models.marketplace.service import SERVICES
from web.schemas.common import InputSchema, Money, PatchSchema, Text
from web.schemas.listing import list_args_schema

Str, Int, Bool = ma.fields.String, ma.fields.Integer, ma.fields.Boolean


class ServiceSchema(ma.Schema):
    id = Int()
    vendor_id = Int()
    vendor_name = Str(attribute="vendor.name")
    name = Str()
    category = Str(allow_none=True)
    description = Str(allow_none=True)
    price = Money()
    currency = Str()
    duration_minutes = Int()
    is_active = Bool()


class ServiceInputSchema(InputSchema):
    vendor_id = Int(required=True, validate=ma.validate.Range(min=1))
    name = Str(required=True, validate=ma.validate.Length(min=1, max=200))
    category = Text(100, allow_none=True, load_default=None)
    description = Text(5000, allow_none=True, load_default=None)
    price = Money(required=True)
    duration_minutes = Int(load_default=60, validate=ma.validate.Range(min=5, max=7 * 24 * 60))
    is_active = Bool(load_default=True)


class ServicePatchSchema(PatchSchema):
    name = Str(validate=ma.validate.Length(min=1, max=200))
    category = Text(100, allow_none=True)
    description = Text(5000, allow_none=True)
    price = Money()
    duration_minutes = Int(validate=ma.validate.Range(min=5, max=7 * 24 * 60))
    is_active = Bool()


ServiceListArgsSchema = list_args_schema(SERVICES, "ServiceListArgsSchema")

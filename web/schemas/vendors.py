"""Vendors (docs/api.md#vendors)."""
import marshmallow as ma

from models.vendors import vendor
from models.vendors.vendor import VENDORS
from web.schemas.common import Email, InputSchema, PatchSchema, Text, UTCDateTime
from web.schemas.listing import list_args_schema

Str, Int = ma.fields.String, ma.fields.Integer


class VendorSchema(ma.Schema):
    id = Int()
    name = Str()
    email = Str(allow_none=True)
    phone = Str(allow_none=True)
    status = Str(metadata={"enum": list(vendor.STATUSES)})
    rating = ma.fields.Decimal(places=1, allow_none=True, metadata={
        "type": "number", "description": "Mean of the published reviews (1 decimal); null without any"})
    reviews_count = Int()
    user_id = Int(allow_none=True)
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class VendorInputSchema(InputSchema):
    name = Str(required=True, validate=ma.validate.Length(min=1, max=200))
    email = Email(allow_none=True)
    phone = Text(40, allow_none=True)
    status = Str(load_default="active", validate=ma.validate.OneOf(vendor.STATUSES))
    user_id = Int(allow_none=True, metadata={
        "description": "The vendor's login: a user of the organization with the `vendor` role (422 otherwise)"})


class VendorUpdateSchema(PatchSchema, VendorInputSchema):
    name = Str(validate=ma.validate.Length(min=1, max=200))
    status = Str(validate=ma.validate.OneOf(vendor.STATUSES))


VendorListArgsSchema = list_args_schema(VENDORS, "VendorListArgsSchema")

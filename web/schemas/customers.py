"""Customers (seed 000 shapes)."""
import marshmallow as ma

from models.dispatch.customer import CUSTOMERS
from web.schemas.common import Email, InputSchema, PatchSchema, Text, UTCDateTime
from web.schemas.listing import list_args_schema

Str, Int = ma.fields.String, ma.fields.Integer


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


class CustomerUpdateSchema(PatchSchema, CustomerInputSchema):
    name = Str(validate=ma.validate.Length(min=1, max=200))


CustomerListArgsSchema = list_args_schema(CUSTOMERS, "CustomerListArgsSchema")

from zoneinfo import available_timezones

import marshmallow as ma

from models.core import audit
from models.core.audit import AUDIT_LOG
from models.core.permissions import ALL, PERMISSIONS
from models.identity.role import ROLE_NAME_PATTERN
from models.identity.user import USERS
from web.schemas.common import Email, InputSchema, Password, PatchSchema, UTCDateTime
from web.schemas.listing import list_args_schema

Str = ma.fields.String
TIME_ZONES = sorted(available_timezones())


class OneOfEntityTypes(ma.validate.Validator):
    """One of the audit log's entity types. Read when used, not when this module loads: by then
    every model (and every other writer of the log) has declared its type."""

    error = "Must be one of: {choices}."

    @property
    def choices(self) -> list[str]:  # the document's `enum` (apispec reads `choices`)
        return audit.entity_types()

    def __call__(self, value):
        if value not in self.choices:
            raise ma.ValidationError(self.error.format(choices=", ".join(self.choices)))
        return value


def EntityType(**kwargs):
    return Str(validate=OneOfEntityTypes(), metadata={"description": "What was written, lowercase snake_case"},
               **kwargs)


# --- output -------------------------------------------------------------------

class OrganizationSchema(ma.Schema):
    id = ma.fields.Integer()
    name = Str()
    slug = Str()
    timezone = Str()
    settings = ma.fields.Dict()


class OrganizationRefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = Str()
    slug = Str()


class UserSchema(ma.Schema):
    id = ma.fields.Integer()
    organization_id = ma.fields.Integer()
    email = Str()
    name = Str()
    phone = Str(allow_none=True)
    role = Str()
    is_active = ma.fields.Boolean()
    created_at = UTCDateTime()
    last_login_at = UTCDateTime(allow_none=True)
    customer_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "The customer a user of the `customer` role acts for (their jobs are what they see)"})
    vendor_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "The vendor a user of the `vendor` role acts for"})


class TokenPairSchema(ma.Schema):
    access_token = Str()
    refresh_token = Str()
    token_type = Str(dump_default="Bearer")
    expires_in = ma.fields.Integer(metadata={"description": "access token lifetime in seconds"})
    user = ma.fields.Nested(UserSchema)


class RegistrationSchema(TokenPairSchema):
    organization = ma.fields.Nested(OrganizationRefSchema)


class MeSchema(ma.Schema):
    user = ma.fields.Nested(UserSchema)
    organization = ma.fields.Nested(OrganizationSchema)
    permissions = ma.fields.List(Str())


class RoleSchema(ma.Schema):
    id = ma.fields.Integer()
    name = Str()
    description = Str()
    permissions = ma.fields.List(Str())
    is_builtin = ma.fields.Boolean()
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class AuditEntrySchema(ma.Schema):
    id = ma.fields.Integer()
    actor_id = ma.fields.Integer(allow_none=True)
    action = Str()
    entity_type = EntityType()
    entity_id = Str()
    before = ma.fields.Dict(allow_none=True)
    after = ma.fields.Dict(allow_none=True)
    request_id = Str(allow_none=True)
    ip = Str(allow_none=True)
    created_at = UTCDateTime()


# --- input --------------------------------------------------------------------

def Name(**kwargs):
    return Str(validate=ma.validate.Length(min=1, max=200), **kwargs)


class RegisterSchema(InputSchema):
    organization_name = Name(required=True)
    name = Name(required=True)
    email = Email(required=True)
    password = Password()
    timezone = Str(load_default="UTC", validate=ma.validate.OneOf(TIME_ZONES),
                   metadata={"description": "IANA time zone of the organization: its days, dashboards and rollups"})
    referral_code = Str(load_default=None, validate=ma.validate.Length(min=1, max=20),
                        metadata={"description": "A referral code (GET /referrals/code): the sign-up is recorded "
                                                 "as that code's referral (docs/api.md#referrals)"})


class LoginSchema(InputSchema):
    email = Email(required=True)
    password = Str(required=True, load_only=True, validate=ma.validate.Length(max=128))


class RefreshSchema(InputSchema):
    refresh_token = Str(required=True, validate=ma.validate.Length(max=200))


class LogoutSchema(InputSchema):
    refresh_token = Str(validate=ma.validate.Length(max=200), metadata={
        "description": "optional; when given it must belong to the session of the bearer token"})


def Link(role: str, what: str):
    return ma.fields.Integer(allow_none=True, metadata={
        "description": f"Only for a user of the `{role}` role: the {what} they act for (422 otherwise, or for "
                       f"one not of this organization). A user who leaves the role loses it."})


class UserCreateSchema(InputSchema):
    email = Email(required=True)
    name = Name(required=True)
    password = Password()
    role = Str(required=True, validate=ma.validate.Length(max=40))
    phone = Str(allow_none=True, validate=ma.validate.Length(max=40))
    customer_id = Link("customer", "customer")
    vendor_id = Link("vendor", "vendor")


class UserUpdateSchema(PatchSchema):
    email = Email()
    name = Name()
    password = Str(load_only=True, validate=ma.validate.Length(min=8, max=128))
    role = Str(validate=ma.validate.Length(max=40))
    phone = Str(allow_none=True, validate=ma.validate.Length(max=40))
    is_active = ma.fields.Boolean()
    customer_id = Link("customer", "customer")
    vendor_id = Link("vendor", "vendor")


UserListArgsSchema = list_args_schema(USERS, "UserListArgsSchema")


def Permission():
    return Str(validate=ma.validate.OneOf([ALL, *PERMISSIONS]), metadata={
        "description": "A permission of the catalogue (GET /admin/roles shows the built-in roles' ones); `*` is all"})


class RoleCreateSchema(InputSchema):
    name = Str(required=True, validate=ma.validate.Regexp(ROLE_NAME_PATTERN, error="lowercase letters, digits, _"))
    description = Str(load_default="", validate=ma.validate.Length(max=300))
    permissions = ma.fields.List(Permission(), required=True)


class RoleUpdateSchema(PatchSchema):
    description = Str(validate=ma.validate.Length(max=300))
    permissions = ma.fields.List(Permission())


AuditListArgsSchema = list_args_schema(AUDIT_LOG, "AuditListArgsSchema", entity_type=EntityType())

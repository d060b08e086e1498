"""The CRM's schemas (docs/api.md#crm): light list items with display names, details that nest
`{id, name}` objects."""
import marshmallow as ma


class RefSchema(ma.Schema):
    """A related row as a detail shows it."""
    id = ma.fields.Integer()
    name = ma.fields.String()


def Ref(**kwargs):
    return ma.fields.Nested(RefSchema, allow_none=True, **kwargs)


def LinkId(**kwargs):
    """The id of a row of the organization (422 when it is not one)."""
    return ma.fields.Integer(validate=ma.validate.Range(min=1), **kwargs)

"""The CRM's schemas (docs/api.md#crm): light list items with the display names of the rows they
point at, details that nest `{id, name}` objects."""
import marshmallow as ma

from web.schemas.common import UTCDateTime


class RefSchema(ma.Schema):
    """A related row as a detail shows it (its `name`: a user's or customer's name, a deal's
    title, an order's number)."""
    id = ma.fields.Integer()
    name = ma.fields.String()


def Ref(**kwargs):
    return ma.fields.Nested(RefSchema, allow_none=True, **kwargs)


def LinkId(**kwargs):
    """The id of a row of the organization (422 when it is not one)."""
    return ma.fields.Integer(validate=ma.validate.Range(min=1), **kwargs)


def LinkName(link: str, **kwargs):
    """A list item's display name of the row its `link` relationship names (null without one)."""
    def name_of(row):
        linked = getattr(row, link)
        return linked.name if linked is not None else None

    return ma.fields.Function(name_of, metadata={"type": "string", "nullable": True, **kwargs.pop("metadata", {})},
                              **kwargs)


class CrmItemSchema(ma.Schema):
    """What every CRM list item carries."""
    id = ma.fields.Integer()
    created_by_id = ma.fields.Integer(allow_none=True)
    created_at = UTCDateTime()
    updated_at = UTCDateTime()

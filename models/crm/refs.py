"""The rows a CRM row points at: each must be one of the organization's (422 in a body or a
filter, where a path's id would be 404; docs/api.md#errors)."""
from sqlalchemy import select

from models.core.db import db
from models.core.errors import ValidationFailed
from models.identity.organization import Organization


def check(model, ident: int | None, field: str, what: str):
    """The row `ident` names in `field`, or ValidationFailed (None passes: no link)."""
    if ident is None:
        return None
    row = db.session.scalars(select(model).where(model.id == ident)).one_or_none()  # tenancy applies
    if row is None:
        raise ValidationFailed(f"No such {what} in the organization", **{field: [f"must be a {what} of the organization"]})
    return row


def check_links(values: dict, links: dict) -> None:
    """The ids in `values` that `links` declares ({field: (model, what)}), in a body or a list's
    filters alike, name rows of the organization."""
    for name, (model, what) in links.items():
        check(model, values.get(name), name, what)


def currency_of(organization_id: int) -> str:
    settings = db.session.scalar(select(Organization.settings).where(Organization.id == organization_id))
    return (settings or {}).get("currency", "USD")

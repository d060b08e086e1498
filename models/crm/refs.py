"""What CRM rows read from the organization they belong to."""
from sqlalchemy import select

from models.core.db import db
from models.identity.organization import Organization


def currency_of(organization_id: int) -> str:
    settings = db.session.scalar(select(Organization.settings).where(Organization.id == organization_id))
    return (settings or {}).get("currency", "USD")


def timezone_of(organization_id: int) -> str:
    return db.session.scalar(select(Organization.timezone).where(Organization.id == organization_id)) or "UTC"

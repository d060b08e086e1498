import re
from zoneinfo import available_timezones

from sqlalchemy import JSON, String, select
from sqlalchemy.orm import Mapped, mapped_column

from models.core.audit import Audited
from models.core.db import Timestamped, db
from models.core.errors import ValidationFailed


class Organization(Audited, Timestamped, db.Model):
    __tablename__ = "organizations"
    __audit_is_tenant__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    slug: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", nullable=False)
    settings: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)

    def set_timezone(self, tz: str) -> None:
        if tz not in available_timezones():
            raise ValidationFailed("Unknown time zone", timezone=[f"{tz!r} is not an IANA time zone"])
        self.timezone = tz


def unique_slug(name: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "org"
    taken = set(
        db.session.scalars(select(Organization.slug).where(Organization.slug.like(f"{base}%"))).all()
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug

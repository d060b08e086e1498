"""Human numbers for documents: `BKG-2026-0001`, counted per organization, prefix and year.

The count is a row (number_counters) bumped with UPDATE ... RETURNING inside the caller's
transaction: concurrent callers queue on the row's lock, and a rollback takes its number back,
so the numbers that exist have no gaps and no duplicates. Never a database sequence: a
sequence keeps what a rolled-back transaction drew. The first number of a year inserts the row
(INSERT ... ON CONFLICT DO NOTHING, so two first callers do not collide), then bumps it.

An aggregate numbers itself at creation with `next_number_for(organization, "BKG")`."""
import re
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from models.core import context
from models.core.db import db
from models.core.local_time import local_date
from models.core.tenancy import TenantScoped

PREFIX = re.compile(r"[A-Z]{2,10}")


class NumberCounter(TenantScoped, db.Model):
    __tablename__ = "number_counters"

    # Declared here, without TenantScoped's own index: the primary key starts with it.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    prefix: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, nullable=False)


def next_number(prefix: str, year: int, *, organization_id: int | None = None) -> str:
    """The next number of `prefix` in `year` for the organization (default: the one bound in
    the context), e.g. `BKG-2026-0001`. Holds the counter's row lock until the caller's
    transaction ends: commit soon after."""
    if not PREFIX.fullmatch(prefix):
        raise ValueError(f"a number prefix is 2 to 10 capital letters, not {prefix!r}")
    organization_id = organization_id or context.current().organization_id
    if organization_id is None:
        raise RuntimeError("next_number needs an organization")
    counters = NumberCounter.__table__
    bump = (update(counters)
            .where(counters.c.organization_id == organization_id, counters.c.prefix == prefix,
                   counters.c.year == year)
            .values(last_number=counters.c.last_number + 1)
            .returning(counters.c.last_number))
    number = db.session.execute(bump).scalar()
    if number is None:  # the year's first number
        insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
        db.session.execute(insert(counters).values(organization_id=organization_id, prefix=prefix, year=year,
                                                   last_number=0).on_conflict_do_nothing())
        number = db.session.execute(bump).scalar_one()
    return f"{prefix}-{year}-{number:04d}"


def next_number_for(organization, prefix: str, moment: datetime | None = None) -> str:
    """The next number of `organization` (an Organization: its id and time zone) in the year
    that `moment` (default now) falls in, in the organization's time zone."""
    return next_number(prefix, local_date(organization.timezone, moment).year, organization_id=organization.id)

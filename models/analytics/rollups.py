"""The rollup mechanism: per-organization daily tables that
analytics read instead of scanning business rows.

A rollup is declared once, by the module that owns its measures, and listed in
its domain's `rollups` (models.core.domain):

    DISPATCH = Rollup("dispatch", DispatchDailyMetric, measures=("jobs_created", ...), compute=dispatch_days)

`model` is a table of (organization_id, day, <keys>, <measures>, updated_at), unique on
(organization_id, day, <keys>); `compute(window)` runs one grouped query per measure
over the window's local days and returns {day: {measure: value}}. This module
does the rest for every rollup alike: `refresh` upserts the computed days and
drops the days in range that no longer have any activity (re-runnable, safe
to run concurrently), beat refreshes every registered rollup, an admin
refreshes a range on demand, and `series` reads a range back as a time series
with a point for every day, week or month."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from models.analytics import calendar
from models.core import context
from models.core.db import db, utcnow
from models.core.errors import NotFound, ValidationFailed
from models.core.local_time import local_date
from models.core.rollups import ROLLUPS, Rollup
from models.identity import Organization
from models.ops import background_job

# The longest range one request may ask for, by interval (a point per period).
MAX_DAYS = {"day": 2 * 366, "week": 5 * 366, "month": 10 * 366}
DEFAULT_DAYS = 30
REFRESH_TASK = "analytics.refresh_on_demand"
UPSERT_BATCH = 200


@dataclass(frozen=True)
class DayWindow:
    """Local days day_from..day_to of one organization, as a rollup's queries need them."""
    organization_id: int
    day_from: date
    day_to: date
    start: datetime  # UTC, the first local day's midnight
    end: datetime  # UTC, the midnight after the last local day
    offsets: list
    dialect: str

    def covers(self, column):
        """SQL: `column` (a UTC timestamp) falls on one of the window's local days."""
        return and_(column >= self.start, column < self.end)

    def day_of(self, column):
        """SQL: the local date of `column`."""
        return calendar.local_day(column, self.offsets, self.dialect)


def _organization(organization_id: int) -> Organization:
    org = db.session.get(Organization, organization_id)
    if org is None:
        raise NotFound(f"Organization {organization_id} not found")
    return org


def refresh(rollup: Rollup, organization_id: int, day_from: date, day_to: date) -> int:
    """Recompute the organization's local days day_from..day_to from the business rows.
    Returns how many of them had activity. The caller commits."""
    with context.acting_as(organization_id=organization_id):
        org = _organization(organization_id)
        start, end = calendar.utc_window(org.timezone, day_from, day_to)
        dialect = db.session.get_bind().dialect.name
        window = DayWindow(organization_id, day_from, day_to, start, end,
                           calendar.offsets_during(org.timezone, start, end), dialect)
        computed = rollup.compute(window)
        model = rollup.model
        in_range = (model.organization_id == organization_id, model.day.between(day_from, day_to))
        if rollup.keys:
            # Rows keyed finer than a day: the range's rows are replaced (deleted first, so a
            # key that no longer has activity goes too; the upsert still settles a concurrent refresh).
            db.session.execute(delete(model).where(*in_range).execution_options(synchronize_session=False))
            rows = dict(computed)
        else:
            rows = {(day,): values for day, values in computed.items()}
        _upsert(rollup, organization_id, rows, dialect)
        if not rollup.keys:
            db.session.execute(delete(model).where(*in_range, model.day.not_in(list(computed)))
                               .execution_options(synchronize_session=False))
    return len({key[0] for key in rows})


def _upsert(rollup: Rollup, organization_id: int, rows: dict[tuple, dict], dialect: str) -> None:
    """`rows`: {(day, *key values): {measure: value}}."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = utcnow()
    columns = ("day", *rollup.keys)
    values = [{"organization_id": organization_id, "updated_at": now, **dict(zip(columns, key)),
               **{measure: measures.get(measure, 0) for measure in rollup.measures}}
              for key, measures in sorted(rows.items(), key=lambda item: tuple(
                  (part is None, part) for part in item[0]))]  # one order everywhere: concurrent refreshes queue
    for batch in range(0, len(values), UPSERT_BATCH):
        stmt = insert(rollup.model).values(values[batch:batch + UPSERT_BATCH])
        stmt = stmt.on_conflict_do_update(index_elements=["organization_id", *columns],
                                          set_={name: stmt.excluded[name] for name in (*rollup.measures, "updated_at")})
        db.session.execute(stmt)


def refresh_all(organization_id: int, day_from: date, day_to: date) -> dict[str, int]:
    """Every registered rollup over the same days: {rollup name: days with activity}."""
    return {name: refresh(rollup, organization_id, day_from, day_to) for name, rollup in ROLLUPS.items()}


def recent_days(tz_name: str) -> tuple[date, date]:
    """Yesterday and today in the organization's time zone: what beat keeps fresh."""
    today = local_date(tz_name)
    return today - timedelta(days=1), today


# --- ranges, reading and on-demand refresh ---------------------------------

def resolve_range(organization_id: int, day_from: date | None, day_to: date | None,
                  interval: str = "day") -> tuple[date, date]:
    """The days a request means: `to` defaults to today (organization time), `from` to
    30 days before it. Raises ValidationFailed (422) on a reversed or too long range."""
    if day_to is None:
        day_to = local_date(_organization(organization_id).timezone)
    if day_from is None:
        day_from = day_to - timedelta(days=DEFAULT_DAYS - 1)
    if day_from > day_to:
        raise ValidationFailed("`from` is after `to`", **{"from": ["must be on or before `to`"]})
    if (day_to - day_from).days + 1 > MAX_DAYS[interval]:
        raise ValidationFailed("The range is too long",
                               to=[f"at most {MAX_DAYS[interval]} days at interval {interval}"])
    return day_from, day_to


def series(rollup: Rollup, organization_id: int, day_from: date, day_to: date, interval: str,
           where: dict | None = None) -> dict:
    """The rollup's measures over the range, one point per period (zeros where
    nothing happened), with totals and when the days read were last refreshed.
    `where` narrows a keyed rollup's rows ({key column: value}; a day's rows are summed)."""
    model = rollup.model
    narrowed = [model.day.between(day_from, day_to),
                *(getattr(model, key) == value for key, value in (where or {}).items() if value is not None)]
    with context.acting_as(organization_id=organization_id):
        if rollup.keys:  # a day's rows (one per key) summed by the database, not here
            measures = [func.sum(getattr(model, m)).label(m) for m in rollup.measures]
            rows = db.session.execute(select(model.day, *measures).where(*narrowed).group_by(model.day)).all()
        else:
            rows = db.session.execute(
                select(model.day, *(getattr(model, m) for m in rollup.measures)).where(*narrowed)).all()
        refreshed_at = db.session.scalar(select(func.max(model.updated_at)).where(*narrowed))
    points = {start: {m: 0 for m in rollup.measures} for start in calendar.periods(day_from, day_to, interval)}
    totals = {m: 0 for m in rollup.measures}
    for row in rows:
        point = points[calendar.period_start(row.day, interval)]
        for measure in rollup.measures:
            point[measure] += getattr(row, measure)
            totals[measure] += getattr(row, measure)
    return {"day_from": day_from, "day_to": day_to, "interval": interval, "refreshed_at": refreshed_at,
            "points": [{"period": start, **values} for start, values in points.items()], "totals": totals}


def start_refresh(day_from: date, day_to: date, created_by: int, organization_id: int):
    """Queue a refresh of every rollup over the range, as a BackgroundJob of kind `rollup`."""
    return background_job.start("rollup", REFRESH_TASK, {"from": day_from.isoformat(), "to": day_to.isoformat(),
                                                        "rollups": list(ROLLUPS)}, created_by, organization_id)

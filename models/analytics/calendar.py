"""Calendar arithmetic every rollup shares: an organization's local days as a
window of UTC instants (from models.core.local_time), the SQL expression that puts a stored UTC timestamp on
its local day (the same answer on PostgreSQL and SQLite, daylight saving
included), and the day/week/month periods a time series is cut into.

SQLite has no time zone database, so the zone's UTC offsets are worked out
here, in Python, for the window being counted: a window that crosses a daylight
saving change becomes a CASE over the instants where the offset changes."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Date, String, case, cast, func, literal, literal_column, type_coerce

from models.core.local_time import local_midnight_utc

INTERVALS = ("day", "week", "month")
# Zones change their offset at most a few times a year, never twice within this step.
SCAN_STEP = 6 * 3600


def utc_window(tz_name: str, day_from: date, day_to: date) -> tuple[datetime, datetime]:
    """[start, end) in UTC: local days day_from..day_to, both included."""
    return local_midnight_utc(tz_name, day_from), local_midnight_utc(tz_name, day_to + timedelta(days=1))


def _offset(tz: ZoneInfo, epoch: int) -> int:
    return int(datetime.fromtimestamp(epoch, tz).utcoffset().total_seconds())


def offsets_during(tz_name: str, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """The zone's UTC offsets in force during [start, end): [(since, offset seconds)],
    the first since `start`; each later one since the exact second it took effect."""
    tz = ZoneInfo(tz_name)
    first, last = int(start.timestamp()), int(end.timestamp())
    changes = [(first, _offset(tz, first))]
    at = first
    while at < last:
        step_end = min(at + SCAN_STEP, last)
        if _offset(tz, step_end) != changes[-1][1]:
            before, after = at, step_end  # bisect to the first second of the new offset
            while after - before > 1:
                middle = (before + after) // 2
                before, after = (middle, after) if _offset(tz, middle) == changes[-1][1] else (before, middle)
            changes.append((after, _offset(tz, after)))
        at = step_end
    return [(datetime.fromtimestamp(since, timezone.utc), offset) for since, offset in changes]


def local_day(column, offsets: list[tuple[datetime, int]], dialect: str):
    """SQL: the local date of `column` (a UTC timestamp), given the offsets in force
    over the rows it will see (see `offsets_during`)."""
    if len(offsets) == 1:
        shift = offsets[0][1]
    else:
        shift = case(*((column < since, offset) for (_, offset), (since, _) in zip(offsets, offsets[1:])),
                     else_=offsets[-1][1])
    if dialect == "postgresql":
        utc = func.timezone("UTC", column)  # timestamptz -> UTC wall time, whatever the session's TimeZone
        shifted = utc if isinstance(shift, int) and shift == 0 else utc + shift * literal_column("interval '1 second'")
        return cast(shifted, Date)
    # SQLite stores UTC wall time as text; date() applies a "+N seconds" modifier.
    if isinstance(shift, int) and shift == 0:
        return type_coerce(func.date(column), Date)
    return type_coerce(func.date(column, cast(shift, String) + literal(" seconds")), Date)


def period_start(day: date, interval: str) -> date:
    """The first day of the period holding `day`: itself, its ISO week's Monday, its month's 1st."""
    if interval == "week":
        return day - timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day


def next_period(start: date, interval: str) -> date:
    if interval == "week":
        return start + timedelta(days=7)
    if interval == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return start + timedelta(days=1)


def periods(day_from: date, day_to: date, interval: str) -> list[date]:
    """Start dates of every period that overlaps day_from..day_to, calendar-aligned
    (the first and last may be partly outside the range)."""
    starts, start = [], period_start(day_from, interval)
    while start <= day_to:
        starts.append(start)
        start = next_period(start, interval)
    return starts


def spans(day_from: date, day_to: date, days: int):
    """day_from..day_to in consecutive (first, last) pieces of at most `days` days."""
    first = day_from
    while first <= day_to:
        last = min(first + timedelta(days=days - 1), day_to)
        yield first, last
        first = last + timedelta(days=1)

"""An organization's calendar: its local date at a moment, and where its local days begin
and end in UTC (daylight saving included: such a day is 23 or 25 hours long). Every
"today in the organization's time zone" is asked here."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo


def local_date(tz_name: str, moment: datetime | None = None) -> date:
    """The date in `tz_name` at `moment` (an aware datetime; default now)."""
    return (moment or datetime.now(timezone.utc)).astimezone(ZoneInfo(tz_name)).date()


def local_midnight_utc(tz_name: str, day: date) -> datetime:
    """The UTC instant at which `day` begins in `tz_name`."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz_name)).astimezone(timezone.utc)


def day_window_utc(tz_name: str, day: date) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local day `day`."""
    return local_midnight_utc(tz_name, day), local_midnight_utc(tz_name, day + timedelta(days=1))


def today_window_utc(tz_name: str, now: datetime | None = None) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the local day holding `now` (default now)."""
    return day_window_utc(tz_name, local_date(tz_name, now))

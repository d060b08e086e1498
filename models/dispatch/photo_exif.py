"""What a photo's EXIF says about where and when it was taken (used by
models.dispatch.photo_processing). EXIF is untrusted input: anything missing,
malformed or out of range reads as unknown, never as an error."""
import math
import re
import struct
from datetime import datetime, timedelta, timezone, tzinfo

from PIL import ExifTags, Image

# What parsing hostile image data (EXIF included) can raise.
EXIF_ERRORS = (OSError, ValueError, SyntaxError, EOFError, struct.error, IndexError, KeyError, TypeError,
               ZeroDivisionError)


def capture_metadata(exif: Image.Exif, local_tz: tzinfo) -> tuple[datetime | None, tuple[float, float] | None]:
    """(taken_at in UTC, (lat, lng)); either is None when absent or malformed."""
    try:
        details = exif.get_ifd(ExifTags.IFD.Exif)
        taken_at = (exif_time(details.get(ExifTags.Base.DateTimeOriginal),
                              details.get(ExifTags.Base.OffsetTimeOriginal), local_tz)
                    or exif_time(details.get(ExifTags.Base.DateTimeDigitized),
                                 details.get(ExifTags.Base.OffsetTimeDigitized), local_tz))
    except EXIF_ERRORS:
        taken_at = None
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        lat = coordinate(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "N", "S", 90)
        lng = coordinate(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "E", "W", 180)
    except EXIF_ERRORS:
        lat = lng = None
    # (0, 0) is what some cameras write when they have no fix.
    located = lat is not None and lng is not None and (lat, lng) != (0.0, 0.0)
    return taken_at, ((lat, lng) if located else None)


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return value.strip("\x00 ").strip() if isinstance(value, str) else ""


def exif_time(value, offset, local_tz: tzinfo) -> datetime | None:
    """EXIF "YYYY:MM:DD HH:MM:SS" as UTC: with the OffsetTime* the camera wrote,
    else read as `local_tz` (the organization's time zone)."""
    try:
        naive = datetime.strptime(_text(value)[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    match = re.fullmatch(r"([+-])(\d{2}):(\d{2})", _text(offset))
    if match:
        delta = timedelta(hours=int(match[2]), minutes=int(match[3]))
        local_tz = timezone(-delta if match[1] == "-" else delta)
    return naive.replace(tzinfo=local_tz).astimezone(timezone.utc)


def coordinate(value, ref, positive: str, negative: str, bound: float) -> float | None:
    """Degrees, minutes, seconds (rationals) and a hemisphere letter -> signed degrees."""
    hemisphere = _text(ref).upper()[:1]
    if hemisphere not in (positive, negative) or not isinstance(value, (tuple, list)) or not 1 <= len(value) <= 3:
        return None
    parts = [float(part) for part in value]
    if not all(math.isfinite(part) and part >= 0 for part in parts):
        return None
    degrees = sum(part / 60 ** index for index, part in enumerate(parts))
    if degrees > bound:
        return None
    return round(-degrees if hemisphere == negative else degrees, 7)

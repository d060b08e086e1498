"""Job photos from upload to web-ready variants.

`store_upload` (web request) measures the upload against the size limit,
identifies the real type from the bytes (JPEG, PNG or WebP, parsed by Pillow;
never the client's name or Content-Type), writes the original under
STORAGE_DIR and starts a `photo` background job (`media.process_photo`). It reads headers only and
decodes no pixels: the pixel limit is the worker's business.

`process` (the `media` worker) refuses images over the pixel limit before
decoding them, copies EXIF capture time and GPS into the row, and writes
`web` and `thumb` JPEGs, upright and carrying no metadata at all. A file that
is a bomb or does not decode ends the photo `failed`; only storage I/O errors
(OSError while reading or writing files) escape, for the task to retry."""
import io
import os
import uuid
import warnings
from datetime import timezone, tzinfo
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PIL import ExifTags, Image, ImageCms, ImageOps
from sqlalchemy import select

from models.core import settings, storage
from models.core.db import db, utcnow
from models.core.errors import NotFound, PayloadTooLarge, UnsupportedMediaType
from models.core.tenancy import get_or_404
from models.dispatch.job import Job
from models.dispatch.photo import JobPhoto
from models.dispatch.photo_exif import EXIF_ERRORS, capture_metadata
from models.identity.organization import Organization
from models.ops import background_job
from models.ops.background_job import BackgroundJob

# Pillow format -> (content type, file extension). Nothing else is accepted.
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
DEFAULT_MAX_BYTES = 15 * 1024 * 1024
VARIANTS = {"web": (1600, 85), "thumb": (320, 80)}  # longest side, JPEG quality
CHUNK = 1024 * 1024
# What a hostile file can make Pillow's parsers and decoders raise. Deliberately
# not `Exception`: a task's time limit (also an Exception) must still get through.
DECODE_ERRORS = (*EXIF_ERRORS, MemoryError, Image.DecompressionBombError, Image.DecompressionBombWarning)


class Rejected(Exception):
    """The original cannot be made into variants (too many pixels, undecodable)."""


def variant_key(photo: JobPhoto, variant: str) -> str | None:
    """The stored file of a variant, if it may be served. A failed photo's original
    (a possible bomb, or undecodable) is kept but never handed out again."""
    if variant == "original":
        return photo.storage_key if photo.status != "failed" else None
    return {"web": photo.web_key, "thumb": photo.thumb_key}[variant]


def served_file(photo_id: int, variant: str, job_id: int | None = None) -> storage.StoredFile:
    """A variant of a photo of the current organization, as it is served. NotFound when the photo
    (or its job) is gone or deleted, is not of `job_id`, or has no such file (yet, or any more)."""
    stmt = select(JobPhoto).join(Job, Job.id == JobPhoto.job_id).where(JobPhoto.id == photo_id)
    photo = db.session.scalars(stmt if job_id is None else stmt.where(Job.id == job_id)).one_or_none()
    key = variant_key(photo, variant) if photo is not None else None
    if not storage.exists(key):
        raise NotFound(f"Photo {photo_id} has no {variant} file" if photo else f"Photo {photo_id} not found")
    if variant == "original":
        return storage.StoredFile(key, photo.content_type, photo.filename)
    return storage.StoredFile(key, "image/jpeg")


# --- upload (web) ---------------------------------------------------------

def store_upload(job: Job, upload, uploaded_by: int | None) -> tuple[JobPhoto, BackgroundJob]:
    """Keep an uploaded photo of `job` and schedule its processing: the photo and its
    `photo` background job. `upload` is a werkzeug FileStorage (anything with `.stream`
    and `.filename`)."""
    limit = settings.get("PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES)
    folder = PurePosixPath("photos", str(job.organization_id), str(job.id))
    storage.path_of(str(folder)).mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex
    partial = storage.path_of(str(folder / f".{name}.part"))
    try:
        size = _copy_limited(upload.stream, partial, limit)
        fmt = identify(partial)
        if fmt is None:
            raise UnsupportedMediaType("The file is not a JPEG, PNG or WebP image",
                                       file=["must be a JPEG, PNG or WebP image"],
                                       accepted=[content_type for content_type, _ in FORMATS.values()])
        content_type, ext = FORMATS[fmt]
        key = str(folder / f"{name}.{ext}")
        os.replace(partial, storage.path_of(key))
        storage.remove_on_rollback(key)  # no photo row, no file
    finally:
        partial.unlink(missing_ok=True)
    photo = JobPhoto(organization_id=job.organization_id, job_id=job.id, uploaded_by=uploaded_by,
                     filename=display_name(getattr(upload, "filename", None), ext), content_type=content_type,
                     size_bytes=size, storage_key=key, status="processing")
    db.session.add(photo)
    db.session.flush()
    processing = background_job.start("photo", "media.process_photo", {"photo_id": photo.id, "job_id": job.id},
                                      created_by=uploaded_by, organization_id=job.organization_id)
    return photo, processing


def _copy_limited(stream, target: Path, limit: int) -> int:
    """Copy `stream` to `target`; PayloadTooLarge as soon as it passes `limit` bytes."""
    size = 0
    with open(target, "wb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(f"The photo is larger than the {_megabytes(limit)} limit",
                                      file=[f"at most {_megabytes(limit)}"], max_bytes=limit)
            out.write(chunk)
    return size


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):g} MB"


def identify(source) -> str | None:
    """The allowed format whose header Pillow parses in `source` (a path or a
    binary file), else None. Reads headers only; decodes no pixels."""
    for fmt in FORMATS:
        try:
            with Image.open(source, formats=[fmt]):
                return fmt
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return fmt  # a well-formed header of this type: the worker refuses to decode it
        except DECODE_ERRORS:
            continue  # not this format
    return None


def display_name(filename: str | None, ext: str) -> str:
    """The client's file name, for display only (never part of a path)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-255:] if name else f"photo.{ext}"


# --- processing (worker) --------------------------------------------------

def process(photo_id: int) -> JobPhoto:
    """Make the variants of a photo and read its EXIF. Idempotent: a ready photo
    is left alone; a redelivered message redoes the same deterministic work."""
    photo = get_or_404(JobPhoto, photo_id, "Photo")
    if photo.status == "ready":
        return photo
    try:
        original = storage.path_of(photo.storage_key).read_bytes()
    except FileNotFoundError:
        return _fail(photo, "The original file is missing; upload the photo again")
    try:
        result = render(original, organization_timezone(photo.organization_id),
                        pixel_limit=settings.get("PHOTO_MAX_PIXELS"))
    except Rejected as exc:
        return _fail(photo, str(exc))
    base = photo.storage_key.rsplit(".", 1)[0]
    keys = {variant: f"{base}.{variant}.jpg" for variant in VARIANTS}
    for variant, data in result["variants"].items():
        storage.write_bytes(keys[variant], data)
    photo.web_key, photo.thumb_key = keys["web"], keys["thumb"]
    photo.width, photo.height = result["width"], result["height"]
    photo.taken_at = result["taken_at"]
    photo.lat, photo.lng = result["location"] or (None, None)
    photo.status, photo.error, photo.processed_at = "ready", None, utcnow()
    return photo


def mark_failed(photo_id: int, reason: str) -> JobPhoto:
    """Give up on a photo that is not ready (the task ran out of time or retries)."""
    photo = get_or_404(JobPhoto, photo_id, "Photo")
    return photo if photo.status == "ready" else _fail(photo, reason)


def _fail(photo: JobPhoto, reason: str) -> JobPhoto:
    photo.status, photo.error, photo.processed_at = "failed", reason, utcnow()
    return photo


def render(data: bytes, local_tz: tzinfo = timezone.utc, pixel_limit: int | None = None) -> dict:
    """Decode one image into its metadata and JPEG variants (bytes). Raises
    Rejected for a possible decompression bomb or a file that does not decode."""
    limit = pixel_limit or Image.MAX_IMAGE_PIXELS
    try:
        # Pillow warns above MAX_IMAGE_PIXELS and raises above twice that; the
        # warning is a refusal too. The explicit check does not rely on warning filters.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as im:
                width, height = im.size
                if width * height > limit:
                    raise Image.DecompressionBombError(
                        f"Image size ({width}x{height}, {width * height} pixels) exceeds the limit of {limit} pixels")
                return _render_open(im, local_tz)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Rejected(f"Refused to decode a possible decompression bomb: {exc}") from None
    except Image.UnidentifiedImageError:
        raise Rejected("The file is not a JPEG, PNG or WebP image that can be read") from None
    except DECODE_ERRORS as exc:
        raise Rejected(f"The file could not be decoded as an image ({type(exc).__name__}: {exc})"[:500]) from None


def _render_open(im: Image.Image, local_tz: tzinfo) -> dict:
    exif = im.getexif()
    orientation = exif.get(ExifTags.Base.Orientation, 1)
    upright = im.size[::-1] if orientation in (5, 6, 7, 8) else im.size
    taken_at, coordinates = capture_metadata(exif, local_tz)
    side = VARIANTS["web"][0]
    scale = max(im.size) / side
    if scale > 1:  # JPEG: let libjpeg decode at 1/2, 1/4 or 1/8 scale, never below the web size
        im.draft(None, (int(im.size[0] / scale), int(im.size[1] / scale)))
    im.load()
    ImageOps.exif_transpose(im, in_place=True)
    picture = _flatten(_to_srgb(im))
    variants = {}
    for variant, (side, quality) in VARIANTS.items():  # largest first, each made from the previous
        picture.thumbnail((side, side), Image.Resampling.LANCZOS)
        variants[variant] = _jpeg(picture, quality)
    return {"width": upright[0], "height": upright[1], "taken_at": taken_at, "location": coordinates,
            "variants": variants}


def _to_srgb(im: Image.Image) -> Image.Image:
    """Variants carry no ICC profile, so pixels in another colour space are converted to sRGB."""
    icc = im.info.get("icc_profile")
    if not icc or im.mode not in ("RGB", "CMYK"):
        return im
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(im, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return im  # an unusable profile: keep the pixels as they are


def _flatten(im: Image.Image) -> Image.Image:
    """RGB for JPEG: transparency over white, 16-bit greys scaled to 8 bits."""
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if im.mode.startswith("I;16") or im.mode in ("I", "F"):
        im = im.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    return im if im.mode == "RGB" else im.convert("RGB")


def _jpeg(im: Image.Image, quality: int) -> bytes:
    clean = Image.frombytes("RGB", im.size, im.tobytes())  # a new image: no info, no EXIF, no comment
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def organization_timezone(organization_id: int) -> tzinfo:
    name = db.session.scalar(select(Organization.timezone).where(Organization.id == organization_id))
    try:
        return ZoneInfo(name) if name else timezone.utc
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc

"""A takedown request's evidence files: at most MAX_FILES, each at most MAX_BYTES, of a type
recognised from its bytes (never its name or declared type): JPEG, PNG, WebP, PDF or plain text
(docs/api.md#takedown-requests). Stored under `evidence/<org>/<request>/`; a rollback removes them."""
import hashlib
import uuid
from dataclasses import dataclass

from models.core import storage
from models.core.db import db
from models.core.errors import NotFound, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from models.marketplace.takedown import TakedownEvidence, TakedownRequest

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
ACCEPTED = ("image/jpeg", "image/png", "image/webp", "application/pdf", "text/plain")
# content type -> (kind, extension)
TYPES = {"image/jpeg": ("image", "jpg"), "image/png": ("image", "png"), "image/webp": ("image", "webp"),
         "application/pdf": ("document", "pdf"), "text/plain": ("text", "txt")}
TEXT_CONTROLS = {9, 10, 12, 13}  # tab, newline, form feed, carriage return
MARKUP = (b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<svg", b"<?xml", b"<iframe", b"<meta")


@dataclass(frozen=True)
class Upload:
    """One checked file: its bytes, the name it came with (display only) and its recognised type."""
    filename: str
    data: bytes
    content_type: str

    @property
    def kind(self) -> str:
        return TYPES[self.content_type][0]


def sniff(data: bytes) -> str | None:
    """The accepted media type the bytes are, else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return "text/plain" if _plain_text(data) else None


def _plain_text(data: bytes) -> bool:
    """UTF-8 without control characters, and not markup a browser would render (HTML, SVG, XML)."""
    if not data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if any(ord(ch) < 32 and ord(ch) not in TEXT_CONTROLS or ord(ch) == 127 for ch in text):
        return False
    lowered = text.lower().encode()
    return not (lowered.lstrip().startswith(b"<") or any(tag in lowered for tag in MARKUP))


def checked(files: list) -> list[Upload]:
    """The uploads (werkzeug FileStorage: `.stream`, `.filename`), each read and recognised;
    422 beyond MAX_FILES, 413 for a file over MAX_BYTES, 415 for a type not accepted."""
    if len(files) > MAX_FILES:
        raise ValidationFailed(f"At most {MAX_FILES} evidence files", evidence=[f"at most {MAX_FILES} files"])
    uploads = []
    for upload in files:
        data = upload.stream.read(MAX_BYTES + 1)
        name = display_name(getattr(upload, "filename", None))
        if len(data) > MAX_BYTES:
            raise PayloadTooLarge(f"{name} is larger than 10 MB", evidence=["each file at most 10 MB"],
                                  max_bytes=MAX_BYTES)
        content_type = sniff(data)
        if content_type is None:
            raise UnsupportedMediaType(f"{name} is not a JPEG, PNG, WebP, PDF or plain text file",
                                       evidence=["must be a JPEG, PNG, WebP, PDF or plain text file"],
                                       accepted=list(ACCEPTED))
        uploads.append(Upload(name, data, content_type))
    return uploads


def display_name(filename: str | None) -> str:
    """The client's file name for display and download only (never part of a path): its last part,
    printable, without quotes."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '";').strip()
    return name[-255:] or "evidence"


def store(request: TakedownRequest, uploads: list[Upload]) -> list[TakedownEvidence]:
    rows = []
    for upload in uploads:
        key = f"evidence/{request.organization_id}/{request.id}/{uuid.uuid4().hex}.{TYPES[upload.content_type][1]}"
        storage.write_bytes(key, upload.data)
        storage.remove_on_rollback(key)  # no row, no file
        row = TakedownEvidence(organization_id=request.organization_id, request_id=request.id,
                               filename=upload.filename, content_type=upload.content_type, size=len(upload.data),
                               kind=upload.kind, sha256=hashlib.sha256(upload.data).hexdigest(), storage_key=key)
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    return rows


def served_file(request: TakedownRequest, evidence_id: int) -> storage.StoredFile:
    """A request's evidence file as downloaded (404 for another request's, or a missing file)."""
    row = db.session.get(TakedownEvidence, evidence_id)
    if row is None or row.request_id != request.id or not storage.exists(row.storage_key):
        raise NotFound("Evidence file not found")
    return storage.StoredFile(row.storage_key, row.content_type, download_name=row.filename)

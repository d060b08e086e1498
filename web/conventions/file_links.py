"""Stored files over HTTP: signed, expiring links, and the one way a file is answered.

A link names the file (the organization, what it is, which one) in a token signed with
SECRET_KEY (itsdangerous, one salt per purpose, so a photo's token is no download's). It is
good for FILE_LINK_TTL_SECONDS (default 3600) from when it was made and needs no bearer
header, so `<img src>` works. Tampered or expired: 403 FORBIDDEN. docs/api.md#files-and-links"""
from functools import lru_cache

from flask import current_app, send_file
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from models.core import storage
from models.core.errors import PermissionDenied

LINK_URL = "/api/v1/files/{purpose}/{token}"
PURPOSES = ("photo", "download")
DEFAULT_TTL_SECONDS = 3600


@lru_cache(maxsize=16)
def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"fieldops.file-link.{purpose}")


def _signer(purpose: str) -> URLSafeTimedSerializer:
    assert purpose in PURPOSES, purpose
    return _serializer(current_app.config["SECRET_KEY"], purpose)


def ttl_seconds() -> int:
    return int(current_app.config.get("FILE_LINK_TTL_SECONDS", DEFAULT_TTL_SECONDS))


def link(purpose: str, organization_id: int, **names) -> str:
    """A signed URL for the file `names` point at in the organization (valid for ttl_seconds)."""
    return LINK_URL.format(purpose=purpose, token=_signer(purpose).dumps({"org": organization_id, **names}))


def read(purpose: str, token: str) -> dict:
    """What a link's token names ({"org": ..., **names}); PermissionDenied when it is tampered or expired."""
    try:
        return _signer(purpose).loads(token, max_age=ttl_seconds())
    except SignatureExpired:
        raise PermissionDenied("This link has expired; fetch a new one", reason="expired") from None
    except BadSignature:
        raise PermissionDenied("This link is not valid", reason="invalid") from None


def send(file: storage.StoredFile, *, attachment: bool = False, max_age: int | None = None):
    """Answer a stored file: its media type, never sniffed, cached only privately; inline
    (images) or as an attachment named `file.download_name` (downloads)."""
    response = send_file(storage.path_of(file.key), mimetype=file.content_type, as_attachment=attachment,
                         download_name=file.download_name, conditional=True, max_age=max_age)
    if not attachment:
        response.headers.setdefault("Content-Disposition", "inline")
    response.cache_control.private = True
    response.cache_control.public = False
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

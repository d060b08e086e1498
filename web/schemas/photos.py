"""Job photos: the job detail's `attachments[]`, the upload's response and its multipart body."""
import marshmallow as ma
from flask_smorest.fields import Upload

from web.conventions import file_links
from web.conventions.background import StartedSchema
from web.schemas.common import InputSchema, UTCDateTime

PHOTO_URL = "/api/v1/jobs/{job_id}/photos/{photo_id}/{variant}"


def photo_urls(photo) -> dict:
    """Where each file of a photo is served: `web` and `thumb` once it is ready; the
    original unless processing refused it (a possible bomb is not handed out again)."""
    def url(variant, exists):
        return PHOTO_URL.format(job_id=photo.job_id, photo_id=photo.id, variant=variant) if exists else None

    return {"original": url("original", photo.status != "failed"), "web": url("web", photo.web_key is not None),
            "thumb": url("thumb", photo.thumb_key is not None)}


def signed_urls(photo) -> dict:
    """Signed, expiring links (no bearer header; docs/api.md#files-and-links) to the `web` and
    `thumb` JPEGs, once processing has made them."""
    def link(variant, key):
        return file_links.link("photo", photo.organization_id, photo=photo.id, variant=variant) if key else None

    return {"url": link("web", photo.web_key), "thumbnail_url": link("thumb", photo.thumb_key)}


class PhotoLocationSchema(ma.Schema):
    lat = ma.fields.Float()
    lng = ma.fields.Float()


class PhotoUrlsSchema(ma.Schema):
    original = ma.fields.String(allow_none=True, metadata={"example": "/api/v1/jobs/1/photos/7/original",
                                                           "description": "As uploaded; null if processing failed"})
    web = ma.fields.String(allow_none=True, metadata={"description": "JPEG, longest side 1600, no metadata"})
    thumb = ma.fields.String(allow_none=True, metadata={"description": "JPEG, longest side 320, no metadata"})


class AttachmentSchema(ma.Schema):
    """A photo of a job. Dumps a JobPhoto directly."""

    id = ma.fields.Integer()
    filename = ma.fields.String(metadata={"description": "As the client named it (display only)"})
    content_type = ma.fields.String(metadata={"description": "Detected from the bytes, not the client"})
    size_bytes = ma.fields.Integer()
    status = ma.fields.String(metadata={"enum": ["processing", "ready", "failed"]})
    error = ma.fields.String(allow_none=True)
    width = ma.fields.Integer(allow_none=True, metadata={"description": "Upright, after EXIF orientation"})
    height = ma.fields.Integer(allow_none=True)
    taken_at = UTCDateTime(allow_none=True, metadata={"description": "From EXIF, when the camera recorded it"})
    location = ma.fields.Nested(PhotoLocationSchema, allow_none=True,
                                metadata={"description": "From EXIF GPS, when the camera recorded it"})
    created_at = UTCDateTime()
    urls = ma.fields.Nested(PhotoUrlsSchema, metadata={"description": "Bearer-authenticated"})
    url = ma.fields.String(allow_none=True, metadata={
        "example": "/api/v1/files/photo/eyJvcmciOjF9.Zx1Q2w.abc", "description": "Signed link to the `web` JPEG "
        "for `<img src>`, no bearer header; expires (FILE_LINK_TTL_SECONDS); null until processed"})
    thumbnail_url = ma.fields.String(allow_none=True, metadata={"description": "Signed link to the `thumb` JPEG"})

    def get_attribute(self, obj, attr, default):
        if attr == "location":
            return {"lat": obj.lat, "lng": obj.lng} if obj.lat is not None and obj.lng is not None else None
        if attr == "urls":
            return photo_urls(obj)
        if attr in ("url", "thumbnail_url"):
            return signed_urls(obj)[attr]
        return super().get_attribute(obj, attr, default)


class PhotoStartedSchema(StartedSchema):
    """202 from a photo upload: the `photo` background job that makes its variants (poll
    `status_url`, as for any started work), and the photo as stored (`status: processing`)."""

    photo = ma.fields.Nested(AttachmentSchema)


class PhotoUploadSchema(InputSchema):
    """multipart/form-data with the image in `file` (`photo` is read as another name for it)."""

    file = Upload(required=True, metadata={"description": "The photo: JPEG, PNG or WebP; the type is read from "
                                                          "the bytes. (`photo` is accepted as this field's name too.)"})

    @ma.pre_load
    def photo_is_another_name_for_file(self, data, **kwargs):
        if "photo" in data and "file" not in data:
            return {"file": data["photo"], **{key: data[key] for key in data if key != "photo"}}
        if "photo" in data:
            raise ma.ValidationError("Send one image, in `file` or in `photo`.", field_name="file")
        return data

    @ma.validates_schema
    def one_image(self, data, **kwargs):
        if not getattr(data.get("file"), "filename", None):  # a browser's empty part for "no file selected"
            raise ma.ValidationError("Missing data for required field.", field_name="file")

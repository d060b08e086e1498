"""Photos of a job: upload, then the files.

The upload is stored as is and answered 202; the `media` worker makes the
`web` and `thumb` variants and reads EXIF time and GPS (models.dispatch.photo_processing)."""
from dataclasses import dataclass

from flask import g
from flask.views import MethodView

from models.dispatch import photo_processing
from models.dispatch.job_access import get_visible_job
from models.dispatch.photo import JobPhoto
from models.ops.background_job import BackgroundJob
from web.auth import requires, signed_in
from web.conventions import file_links
from web.conventions.background import accepted
from web.conventions.envelope import Blueprint
from web.conventions.openapi import refused_beyond_schema
from web.conventions.work_limits import limits_uploads
from web.schemas.photos import PhotoStartedSchema, PhotoUploadSchema

blp = Blueprint("job_photos", __name__, url_prefix="/api/v1/jobs", description="Photos attached to jobs")

FILE_RESPONSE = {"description": "The image", "content": {
    content_type: {"schema": {"type": "string", "format": "binary"}}
    for content_type, _ in photo_processing.FORMATS.values()}}


@dataclass
class PhotoUpload:
    """The started `photo` job with the photo it processes (dumped by PhotoStartedSchema)."""
    job: BackgroundJob
    photo: JobPhoto

    def __getattr__(self, name):
        return getattr(self.job, name)


@blp.route("/<int:job_id>/photos")
class JobPhotos(MethodView):
    @requires("jobs:write")
    @limits_uploads
    @blp.arguments(PhotoUploadSchema, location="files")
    @blp.response(202, PhotoStartedSchema, description="Stored: the photo (`status: processing`) and the "
                                                        "background job making its variants (poll `status_url`)")
    @blp.doc(responses={"413": {"description": "Larger than PHOTO_MAX_BYTES"},
                        "415": {"description": "Not a JPEG, PNG or WebP image (judged by its bytes)"}})
    @refused_beyond_schema("the file must be a JPEG, PNG or WebP image, judged by its bytes", status=415)
    def post(self, body, job_id):
        """Attach a photo to a job.

        multipart/form-data, the image in `file` (or `photo`). Answered at once, like any started work,
        with the `photo` background job (`job_id`, `status_url`, `Location`) and the photo as stored;
        its `web` and `thumb` variants and EXIF time and GPS follow from that job."""
        job = get_visible_job(job_id)
        photo, processing = photo_processing.store_upload(job, body["file"], uploaded_by=g.user.id)
        return accepted(processing, PhotoUpload(processing, photo))


@blp.route("/<int:job_id>/photos/<int:photo_id>/<any(original, web, thumb):variant>")
class JobPhotoFile(MethodView):
    @signed_in
    @blp.response(200)
    @blp.doc(responses={"200": FILE_RESPONSE})
    def get(self, job_id, photo_id, variant):
        """One file of a job's photo.

        `original` as uploaded, or the `web` / `thumb` JPEG (404 until processing has made it). Visible to
        whoever may see the job."""
        job = get_visible_job(job_id)
        return file_links.send(photo_processing.served_file(photo_id, variant, job_id=job.id), max_age=3600)

"""Files by signed link: photos for `<img src>` and background jobs' downloads, without a bearer
header (web.conventions.file_links; docs/api.md#files-and-links).

A link is checked again when it is used: the file must still exist and belong to a row that is
not deleted (a photo of a deleted job, a purged export: 404). Bad or expired links are 403."""
from flask.views import MethodView

from models.core import context
from models.core.tenancy import get_or_404
from models.dispatch import photo_processing
from models.ops import background_job
from models.ops.background_job import BackgroundJob
from web.auth import public
from web.conventions import file_links
from web.conventions.envelope import Blueprint

blp = Blueprint("files", __name__, url_prefix="/api/v1/files",
                description="Stored files by signed, expiring link (no bearer header)")

REFUSED = {"description": "The link was tampered with or has expired (FORBIDDEN; `details.reason`: invalid or "
                          "expired): fetch the resource that gave it for a fresh one"}
IMAGE = {"description": "The image, inline", "content": {
    content_type: {"schema": {"type": "string", "format": "binary"}}
    for content_type, _ in photo_processing.FORMATS.values()}}
DOWNLOAD = {"description": "The file, as an attachment", "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}


def _claims(purpose: str, token: str) -> dict:
    """The token's names, with the rest of the request scoped to the organization it names."""
    claims = file_links.read(purpose, token)
    context.bind(kind=context.PUBLIC_LINK, organization_id=claims["org"])
    return claims


@blp.route("/photo/<string:token>")
class PhotoByLink(MethodView):
    @public
    @blp.response(200)
    @blp.doc(responses={"200": IMAGE, "403": REFUSED})
    def get(self, token):
        """A photo's file by signed link (`url`, `thumbnail_url` of a job's attachments)."""
        claims = _claims("photo", token)
        return file_links.send(photo_processing.served_file(claims["photo"], claims["variant"]),
                               max_age=file_links.ttl_seconds())


@blp.route("/download/<string:token>")
class DownloadByLink(MethodView):
    @public
    @blp.response(200)
    @blp.doc(responses={"200": DOWNLOAD, "403": REFUSED, "409": {"description": "Not finished yet"}})
    def get(self, token):
        """A background job's file by signed link (`signed_download_url` of its detail)."""
        claims = _claims("download", token)
        job = get_or_404(BackgroundJob, claims["job"], "Background job")
        return file_links.send(background_job.artifact_file(job), attachment=True)

"""Backups and restores: the restore request and the backup list items."""
import marshmallow as ma

from models.ops.background_job import STATUSES
from models.ops.backups import BACKUPS
from web.conventions.background import DOWNLOAD_URL
from web.schemas.common import InputSchema, UTCDateTime
from web.schemas.listing import list_args_schema


class RestoreRequestSchema(InputSchema):
    backup_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=36),
                                 metadata={"description": "The id of a succeeded backup of this organization"})
    dry_run = ma.fields.Boolean(load_default=False, metadata={
        "description": "Only report, per table, what the restore would insert, update and delete"})


BackupListArgsSchema = list_args_schema(BACKUPS, "BackupListArgsSchema")


def _result(job) -> dict:
    return job.result or {}


class BackupSchema(ma.Schema):
    """A backup (a BackgroundJob of kind `backup`) with its manifest's summary."""

    id = ma.fields.String(metadata={"description": "The backup id a restore takes"})
    status = ma.fields.String(metadata={"enum": list(STATUSES)})
    progress = ma.fields.Integer()
    created_at = UTCDateTime()
    finished_at = UTCDateTime(allow_none=True)
    created_by = ma.fields.Integer(allow_none=True)
    error = ma.fields.String(allow_none=True)
    file_name = ma.fields.String(attribute="artifact_name", allow_none=True)
    size = ma.fields.Integer(attribute="artifact_bytes", allow_none=True, metadata={"description": "bytes"})
    schema_revision = ma.fields.Function(lambda job: _result(job).get("schema_revision"), allow_none=True,
                                         metadata={"type": "string", "nullable": True})
    tables = ma.fields.Function(lambda job: _result(job).get("tables"), allow_none=True, metadata={
        "type": "object", "additionalProperties": {"type": "integer"}, "nullable": True,
        "description": "Rows per table", "example": {"organizations": 1, "jobs": 1200}})
    download_url = ma.fields.Method("_download_url", allow_none=True, metadata={"type": "string", "nullable": True})

    def _download_url(self, job):
        return DOWNLOAD_URL.format(id=job.id) if job.artifact_key and job.status == "succeeded" else None

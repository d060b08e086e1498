"""Backups and restores of the caller's organization. Both run in the
background: the 202 answer names the job to poll under /admin/jobs, and a
backup's archive is downloaded there (`download_url`)."""
from flask import g
from flask.views import MethodView

from models.ops import backups
from models.ops.backups import BACKUPS
from web.auth import requires
from web.conventions.background import STARTED_DOC, StartedSchema, accepted
from web.conventions.envelope import Blueprint
from web.conventions.listing import paginate
from web.conventions.work_limits import starts_work
from web.schemas.backups import BackupListArgsSchema, BackupSchema, RestoreRequestSchema

blp = Blueprint("backups", __name__, url_prefix="/api/v1/admin/system",
                description="Organization backups and restores")


@blp.route("/backup")
class Backup(MethodView):
    @requires("system:backup")
    @starts_work
    @blp.response(202, StartedSchema, **STARTED_DOC)
    def post(self):
        """Back up the organization, in the background.

        The archive holds one gzip-compressed JSON-lines file per table and a manifest (row counts, the
        SHA-256 of each file, the schema revision). Sessions, background jobs, the outbox, idempotency
        records and the audit log are not part of it, nor are password hashes (the manifest's
        `withheld_columns`)."""
        job = backups.start_backup(g.user.id, g.user.organization_id)
        return accepted(job)


@blp.route("/backups")
class Backups(MethodView):
    @requires("system:backup")
    @blp.arguments(BackupListArgsSchema, location="query")
    @blp.paginated(BackupSchema)
    def get(self, args):
        """List the organization's backups, newest first.

        Filter: `status`; `q` searches the id and the file name."""
        return paginate(backups.backups(), args, BACKUPS)


@blp.route("/restore")
class Restore(MethodView):
    @requires("system:restore")
    @starts_work
    @blp.arguments(RestoreRequestSchema)
    @blp.response(202, StartedSchema, **STARTED_DOC)
    @blp.doc(responses={
        "404": {"description": "No backup with this id in the organization"},
        "409": {"description": "The backup has not succeeded, or a restore is already under way"},
        "422": {"description": "`backup_id` names a background job that is not a backup"}})
    def post(self, body):
        """Restore the organization from one of its backups, in the background.

        The job first checks the archive (the manifest recorded with the backup, each file's SHA-256, the organization, the schema revision) and
        fails, changing nothing, if any check fails. `dry_run: true` then reports per table the rows
        in the backup, the rows now, and the rows it would insert, update and delete (by primary key)
        in the job's `result`, and changes nothing. Otherwise the organization's rows are replaced in
        one transaction, ids preserved; a failure rolls everything back.

        Users are updated in place, so everyone in the backup stays signed in, except users whose
        activation or deletion the restore changes (signed out, as such an edit would) and users added
        after the backup (removed). Passwords are not in backups: users keep their current password, and
        users the restore brings back (removed since the backup) cannot sign in until an admin sets a
        password with `PATCH /users/{id}`; the result lists them in `password_reset_required`. A restore
        that would remove the caller's own account is refused. The audit log is kept as it is and
        records the restore (action `restore`)."""
        job = backups.start_restore(body["backup_id"], body["dry_run"], g.user.id, g.user.organization_id)
        return accepted(job)

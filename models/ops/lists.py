"""What the ops lists filter, sort and search by (models.core.listing): background jobs and backups."""
from models.core.listing import ListSpec, any_of
from models.ops.background_job import STATUSES, BackgroundJob

BACKGROUND_JOBS = ListSpec(
    sortable={"created_at": BackgroundJob.created_at, "finished_at": BackgroundJob.finished_at,
              "status": BackgroundJob.status, "kind": BackgroundJob.kind},
    default_sort="-created_at", id=BackgroundJob.id, ids_descending=True,
    filters={"kind": any_of(BackgroundJob.kind, description="any of these kinds (export, backup, ...)"),
             "status": any_of(BackgroundJob.status, STATUSES)},
    search=(BackgroundJob.id, BackgroundJob.kind, BackgroundJob.message, BackgroundJob.error,
            BackgroundJob.artifact_name),
)

BACKUPS = ListSpec(
    sortable={"created_at": BackgroundJob.created_at}, default_sort="-created_at",
    id=BackgroundJob.id, ids_descending=True,
    filters={"status": any_of(BackgroundJob.status, STATUSES)},
    search=(BackgroundJob.id, BackgroundJob.artifact_name),
)

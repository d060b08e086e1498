"""Background job changes -> `job.progress` on the dispatch namespace (SPEC §4),
to the user who started the job and to the organization's owners and admins
(one delivery per socket, whichever of those rooms it is in)."""
from models import events
from models.ops.background_job import BackgroundJobChanged
from sockets import rooms
from sockets.emitter import emit

WATCHING_ROLES = ("owner", "admin")


def _progress(evt: BackgroundJobChanged) -> None:
    audience = [rooms.role_room(evt.organization_id, role) for role in WATCHING_ROLES]
    if evt.created_by is not None:
        audience.append(rooms.user_room(evt.created_by))
    emit(rooms.JOB_PROGRESS, {"job_id": evt.job_id, "kind": evt.kind, "status": evt.status,
                              "progress": evt.progress, "message": evt.message}, room=audience)


events.subscribe(BackgroundJobChanged, _progress)

"""Background job changes -> `job.progress` on the dispatch namespace, to whoever may
read the job by the REST rule of /admin/jobs: `jobs:background` holders of the
organization, and the user who started it (one delivery per socket)."""
from models.core import events
from models.ops.background_job import BackgroundJobChanged, progress_payload
from sockets import rooms
from sockets.emitter import emit


def _progress(evt: BackgroundJobChanged) -> None:
    audience = [rooms.permission_room(evt.organization_id, rooms.BACKGROUND_ALL)]
    if evt.created_by is not None:
        audience.append(rooms.user_room(evt.created_by))
    emit(rooms.JOB_PROGRESS, progress_payload(evt), room=audience, organization_id=evt.organization_id)


events.subscribe(BackgroundJobChanged, _progress)

"""Photo processing on the `media` queue, one `photo`
BackgroundJob per upload."""
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from models.core.errors import NotFound
from models.core.unit_of_work import unit_of_work
from models.dispatch import photo_processing
from models.ops import job_runs
from tasks.base import TrackedTask
from tasks.retry import TRANSIENT, policy


class PhotoRejected(Exception):
    """The photo cannot be processed (a possible bomb, undecodable): its job fails."""


@shared_task(name="media.process_photo", base=TrackedTask, bind=True, **policy(time_limit=100))
def process_photo(self, job_id: str) -> dict:
    """Make a photo's variants and read its EXIF. Idempotent: a redelivered message
    finds the photo ready and stops. A bomb or an undecodable file ends the photo
    `failed` inside the domain (and this job failed with the reason); storage and
    database errors are retried, and a photo whose retries or time run out is marked
    failed rather than left processing. The photo's outcome is committed on its own,
    so that it stays when the job then fails."""
    photo_id = job_runs.load(job_id).params["photo_id"]
    try:
        with unit_of_work():
            photo = photo_processing.process(photo_id)
    except NotFound:
        return {"photo_id": photo_id, "status": "deleted"}  # the photo (or its job) went meanwhile
    except SoftTimeLimitExceeded:
        _give_up(photo_id, "Processing took too long; try a smaller photo")
        raise
    except TRANSIENT:
        if self.request.retries >= self.max_retries:
            _give_up(photo_id, "The photo could not be stored; upload it again")
        raise
    if photo.status == "failed":
        raise PhotoRejected(photo.error)
    return {"photo_id": photo_id, "status": photo.status, "has_location": photo.lat is not None}


def _give_up(photo_id: int, reason: str) -> None:
    """In a transaction of its own: the photo's failure stays though the task fails."""
    with unit_of_work():
        photo_processing.mark_failed(photo_id, reason)

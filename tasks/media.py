"""Photo processing on the `media` queue, one `photo`
BackgroundJob per upload."""
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from models.core.db import db
from models.core.errors import NotFound
from models.dispatch import photo_processing
from models.ops import background_job
from tasks.base import TrackedTask


class PhotoRejected(Exception):
    """The photo cannot be processed (a possible bomb, undecodable): its job fails."""


@shared_task(name="media.process_photo", base=TrackedTask, bind=True, acks_late=True, autoretry_for=(OSError,),
             retry_backoff=True, retry_jitter=True, max_retries=3, time_limit=120, soft_time_limit=100)
def process_photo(self, job_id: str) -> dict:
    """Make a photo's variants and read its EXIF. Idempotent: a redelivered message
    finds the photo ready and stops. A bomb or an undecodable file ends the photo
    `failed` inside the domain (and this job failed with the reason); storage errors
    (OSError) are retried, and a photo whose retries or time run out is marked
    failed rather than left processing."""
    photo_id = background_job.load(job_id).params["photo_id"]
    try:
        photo = photo_processing.process(photo_id)
        db.session.commit()
    except NotFound:
        return {"photo_id": photo_id, "status": "deleted"}  # the photo (or its job) went meanwhile
    except SoftTimeLimitExceeded:
        _give_up(photo_id, "Processing took too long; try a smaller photo")
        raise
    except OSError:
        if self.request.retries >= self.max_retries:
            _give_up(photo_id, "The photo could not be stored; upload it again")
        raise
    if photo.status == "failed":
        raise PhotoRejected(photo.error)
    return {"photo_id": photo_id, "status": photo.status, "has_location": photo.lat is not None}


def _give_up(photo_id: int, reason: str) -> None:
    db.session.rollback()
    photo_processing.mark_failed(photo_id, reason)
    db.session.commit()

"""Photo processing on the `media` queue (SPEC §5 photos, §6)."""
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from models import context
from models.db import db
from models.dispatch import photo_processing
from models.errors import NotFound


@shared_task(name="media.process_photo", bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True,
             retry_jitter=True, max_retries=3, time_limit=120, soft_time_limit=100)
def process_photo(self, photo_id: int, organization_id: int) -> None:
    """Make a photo's variants and read its EXIF. Idempotent: a redelivered message
    finds the photo ready and stops. A bomb or an undecodable file ends the photo
    `failed` inside the domain; storage errors (OSError) are retried, and a photo
    whose retries or time run out is marked failed rather than left processing."""
    with context.acting_as(organization_id=organization_id):
        try:
            photo_processing.process(photo_id)
            db.session.commit()
        except NotFound:
            return  # the photo (or its job) was deleted meanwhile: nothing to do
        except SoftTimeLimitExceeded:
            _give_up(photo_id, "Processing took too long; try a smaller photo")
            raise
        except OSError:
            if self.request.retries >= self.max_retries:
                _give_up(photo_id, "The photo could not be stored; upload it again")
            raise


def _give_up(photo_id: int, reason: str) -> None:
    db.session.rollback()
    photo_processing.mark_failed(photo_id, reason)
    db.session.commit()

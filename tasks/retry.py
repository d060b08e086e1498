"""The one policy every task declares on its decorator (docs/architecture.md#tasks):
`@shared_task(name=..., **policy(time_limit=60))`.

- At least once: acknowledged after it ran (`acks_late`), and delivered again when
  its worker is lost. Every task is idempotent, so a second delivery finishes once.
- Transient errors are retried by Celery (`autoretry_for`), a finite number of times,
  with exponential backoff and jitter: about 5, 10, 20 s, never more than 2 minutes.
  Anything else fails the task at once. Bodies never call `self.retry()` themselves.
- `time_limit` is the soft limit (SoftTimeLimitExceeded, time to clean up); the hard
  one, which kills the worker process, follows a tenth later (at least 20 s)."""
from sqlalchemy.exc import OperationalError

# The database dropped the connection, is restarting, or picked this transaction as a
# deadlock or serialization victim (OperationalError); storage or the network failed
# (OSError, which ConnectionError and TimeoutError are).
TRANSIENT = (OperationalError, OSError)
MAX_RETRIES = 3
BACKOFF_SECONDS, BACKOFF_MAX_SECONDS = 5, 120


def policy(*, time_limit: int, retry_on: tuple = TRANSIENT, max_retries: int = MAX_RETRIES) -> dict:
    """The decorator options of a task. `retry_on=()`: a task not worth retrying (beat
    runs it again soon, or a newer run supersedes it)."""
    return dict(acks_late=True, reject_on_worker_lost=True,
                autoretry_for=retry_on, max_retries=max_retries if retry_on else 0,
                retry_backoff=BACKOFF_SECONDS, retry_backoff_max=BACKOFF_MAX_SECONDS, retry_jitter=True,
                soft_time_limit=time_limit, time_limit=time_limit + max(20, time_limit // 10))

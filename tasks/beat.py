"""Beat's scheduler (`beat_scheduler` in celeryconfig): Celery's persistent
scheduler, except that an entry whose task has registered an "anything to do?"
check is sent only when the check says yes. The outbox relay (every 10 s) and
the stalled-job reaper then publish nothing while there is nothing to relay or
reap, so Flower's task list shows work, not polling.

A check runs in beat, inside the Flask app's context, and must be one cheap
query. When it fails (database down) the entry is sent anyway: the task itself
decides, as it would without the check."""
import logging

from celery.beat import PersistentScheduler

from tasks import inspection

log = logging.getLogger(__name__)

_checks: dict = {}


def only_when(task_name: str):
    """Register the decorated function as `task_name`'s "anything to do?" check."""
    def register(check):
        _checks[task_name] = check
        return check
    return register


class QuietScheduler(PersistentScheduler):
    def apply_entry(self, entry, producer=None):
        if self._has_work(entry.task):
            return super().apply_entry(entry, producer=producer)
        log.debug("Scheduler: nothing to do for %s (%s), not sent", entry.name, entry.task)
        try:  # beat did run: health must not call it stale because it had nothing to send
            inspection.record_beat_run(inspection.broker_client(self.app))
        except Exception:
            log.warning("could not record beat's run", exc_info=True)
        return None

    def _has_work(self, task_name: str) -> bool:
        check = _checks.get(task_name)
        if check is None:
            return True
        try:
            with self.app.flask_app.app_context():
                return bool(check())
        except Exception:
            log.warning("could not tell whether %s has work; sending it", task_name, exc_info=True)
            return True

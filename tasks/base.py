"""Task base classes: every task runs inside the Flask app's context as one unit
of work (models.core.unit_of_work: committed when it returns, rolled back when it
raises or retries), and a `TrackedTask` keeps its BackgroundJob row in step with
what Celery does.

A tracked task is declared as
    @shared_task(name="exports.run", base=TrackedTask, bind=True, **policy(time_limit=20 * 60))
    def run_export(self, job_id): ...
and started with `background_job.start(kind, "exports.run", params, ...)`; its
body reads the job's params, calls `job_runs.report(job_id, percent, msg)`
as it goes (which raises `Cancelled` once a cancel is asked for) and returns the
job's `result` (a JSON-able dict). The base class does the rest: the job's
states, running (with worker and attempt count), succeeded (once the body's
work is committed), failed with the error, queued again while a retry waits,
cancelled (both with the body's work rolled back). A duplicate delivery of a finished job does nothing,
and a delivery another one has superseded cannot end the job (see `attempt`
in models.ops.job_runs)."""
import logging

from celery import Task
from celery.exceptions import Ignore, Reject, Retry, SoftTimeLimitExceeded
from celery.utils.time import get_exponential_backoff_interval
from flask import current_app, has_app_context

from models.core import context, events
from models.core.db import db
from models.core.unit_of_work import unit_of_work
from models.ops import job_runs
from models.ops.background_job import BackgroundJobCancelled, Cancelled

log = logging.getLogger(__name__)


class FlaskTask(Task):
    """Runs inside the Flask app's context (pushed only when none is active), as one unit of work
    and as the `system` actor of no organization: a task binds the organization it works for, or
    crosses tenants with `all_tenants=True` (models.core.tenancy)."""

    def __call__(self, *args, **kwargs):
        with context.as_system():
            if has_app_context():
                return self.run_in_app(*args, **kwargs)
            with self.app.flask_app.app_context():
                return self.run_in_app(*args, **kwargs)

    def run_in_app(self, *args, **kwargs):
        return self.run_as_one_unit(*args, **kwargs)

    def run_as_one_unit(self, *args, **kwargs):
        """The body as one unit of work. Celery's autoretry covers the body alone: a commit
        that fails with an error the task's policy retries (tasks.retry) is retried alike."""
        try:
            with unit_of_work():
                return self.run(*args, **kwargs)
        except tuple(getattr(self, "autoretry_for", ())) as exc:  # from the body too, once its retries are spent
            backoff = getattr(self, "retry_backoff", None)
            countdown = get_exponential_backoff_interval(
                int(backoff), self.request.retries, getattr(self, "retry_backoff_max", 600),
                getattr(self, "retry_jitter", True)) if backoff else None
            raise self.retry(exc=exc, countdown=countdown)


class TrackedTask(FlaskTask):
    def run_in_app(self, job_id, *args, **kwargs):
        job = job_runs.begin(job_id, worker=self.request.hostname or "local",
                             supersedes=self.request.get("supersedes_attempt"))
        if job is None:
            log.info("background job %s: nothing to do for this delivery", job_id)
            return None  # finished already, cancelled, deleted, or being run by another delivery
        attempt = job.attempts
        log.info("background job %s (%s) started, attempt %d", job_id, job.kind, attempt,
                 extra={"job_id": job_id, "attempt": attempt})
        self.request.background_job = (job_id, attempt)  # this delivery, for retry()
        # The job's own row changes in short transactions of its own (begin above, the body's
        # reports, the outcome below): the declared exception to the unit of work, so that the
        # API sees them while the body's transaction is open, and keeps them when it rolls back.
        with context.acting_as(organization_id=job.organization_id, user_id=job.created_by):
            try:
                result = self.run_as_one_unit(job_id, *args, **kwargs)
            except (Retry, Ignore, Reject):
                raise  # a retry was recorded by retry() below
            except Cancelled:
                job_runs.end_cancelled(job_id, attempt)
                return None
            except SoftTimeLimitExceeded:
                job_runs.fail(job_id, f"Took longer than the {self.soft_time_limit or 'configured'} s limit",
                              attempt)
                raise
            except Exception as exc:
                job_runs.fail(job_id, _describe(exc), attempt)
                raise
        job_runs.succeed(job_id, result, attempt)
        return result

    def retry(self, args=None, kwargs=None, exc=None, throw=True, eta=None, countdown=None, max_retries=None,
              **options):
        """Mark the job queued again *before* the retry message is published, so the
        next delivery (which may start at once) never finds it still `running`."""
        limit = self.max_retries if max_retries is None else max_retries
        delivery = getattr(self.request, "background_job", None)
        if delivery is not None and (limit is None or self.request.retries < limit):
            db.session.rollback()  # the body's work is dropped first (SQLite: its write lock too)
            job_id, attempt = delivery
            job_runs.requeue(job_id, _describe(exc) if exc else "transient error", attempt)
        return super().retry(args=args, kwargs=kwargs, exc=exc, throw=throw, eta=eta, countdown=countdown,
                             max_retries=max_retries, **options)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _revoke(evt: BackgroundJobCancelled) -> None:
    """After a cancel commits, tell the workers to drop the job's message if it is
    still waiting (a running one stops by itself at its next progress report)."""
    try:
        current_app.extensions["celery"].control.revoke(evt.job_id)
    except Exception:  # the row already says cancelled; begin() will skip it
        log.warning("could not broadcast the revoke of %s", evt.job_id, exc_info=True)


events.subscribe(BackgroundJobCancelled, _revoke)

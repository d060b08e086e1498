"""What a task's log lines carry. The outbox puts the id of the request that
enqueued a task in its message headers (`request_id`); it is bound in the task's
context (models.core.context) from the moment the task starts until after Celery has
logged its outcome, so every line in between carries it, Celery's own included.
Worker and beat add the task's id and name (`TaskFields`)."""
import logging

from celery import current_task
from celery.signals import task_postrun, task_prerun

from models.core import context


class TaskFields(logging.Filter):
    """`task_id` and `task_name` on the lines logged while a task runs."""

    def filter(self, record):
        task = current_task
        if task and task.request.id:
            record.task_id, record.task_name = task.request.id, task.name
        return True


@task_prerun.connect
def _bind_request_id(task=None, **_):
    task.request.fieldops_context = context.bind(request_id=task.request.get("request_id"))


@task_postrun.connect
def _unbind_request_id(task=None, **_):
    token = getattr(task.request, "fieldops_context", None)
    if token is not None:
        task.request.fieldops_context = None
        context.reset(token)

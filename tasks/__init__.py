"""Celery, bound to the Flask app (Flask's `celery_init_app` pattern).

The worker, beat and Flower load the app from web.worker (`celery -A web.worker ...`),
which builds the Flask app; importing this package builds no app. Tasks call the domain
and never import web/ or sockets/."""
import importlib
import os

from celery import Celery
from flask import Flask

from models.domains import modules_of
from models.ops import outbox
from tasks import logs  # noqa: F401  (binds each task's request id for its log lines)
from tasks.base import FlaskTask

# Each domain's task modules (models.domains). tasks.inspection has no tasks: it hooks beat so
# health can tell when beat last ran.
TASK_MODULES = {
    "ops": ("maintenance", "exports", "backups", "inspection"),
    "dispatch": ("dispatch", "media"),
    "analytics": ("analytics",),
    "crm": ("crm",),
    "notify": ("notifications", "webhooks"),
    "marketplace": ("marketplace", "referrals"),
}
REAPER_ENTRY = "reap-stalled-jobs"


def make_celery(app: Flask, broker_url: str) -> Celery:
    """A Celery app whose tasks run inside `app`'s context, talking to `broker_url`."""
    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.flask_app = app
    celery.config_from_object("celeryconfig")
    celery.conf.update(
        broker_url=broker_url,
        result_backend=broker_url,
        broker_transport_options={**celery.conf.broker_transport_options,
                                  "visibility_timeout": app.config["BROKER_VISIBILITY_TIMEOUT"]},
        beat_schedule_filename=os.path.join(app.instance_path, "celerybeat-schedule"),
    )
    reaper = celery.conf.beat_schedule[REAPER_ENTRY]
    every = float(app.config["REAPER_INTERVAL_SECONDS"])
    celery.conf.beat_schedule = {**celery.conf.beat_schedule,
                                 REAPER_ENTRY: {**reaper, "schedule": every, "options": {"expires": every}}}
    for module in modules_of(TASK_MODULES, __name__):
        importlib.import_module(module)
    return celery


def publisher(celery: Celery):
    """The outbox's way to hand a committed task to the broker."""

    def publish(task_name, args, kwargs, task_id, headers=None, eta=None):
        # ignore_result: nobody waits on a Celery result here (our own rows carry
        # state), and subscribing to one would block for seconds while Redis is down.
        # headers (request_id, ...) reach the task as attributes of its request.
        celery.send_task(task_name, args=args, kwargs=kwargs, task_id=task_id, ignore_result=True,
                         headers=headers or None, eta=eta)

    return publish


def celery_init_app(app: Flask) -> Celery:
    celery = make_celery(app, app.config["REDIS_URL"])
    celery.set_default()
    app.extensions["celery"] = celery
    outbox.set_publisher(publisher(celery))
    return celery


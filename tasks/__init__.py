"""Celery, bound to the Flask app (Flask's `celery_init_app` pattern).

The worker, beat and Flower load the app from tasks.worker
(`celery -A tasks.worker ...`); importing this package builds no app."""
import importlib
import os

from celery import Celery
from flask import Flask

from models.ops import outbox
from tasks.base import FlaskTask

# tasks.inspection has no tasks: it hooks beat so health can tell when beat last ran.
TASK_MODULES = ("tasks.maintenance", "tasks.dispatch", "tasks.media", "tasks.exports", "tasks.backups",
                "tasks.analytics", "tasks.inspection")


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
    for module in TASK_MODULES:
        importlib.import_module(module)
    return celery


def publisher(celery: Celery):
    """The outbox's way to hand a committed task to the broker."""

    def publish(task_name, args, kwargs, task_id):
        # ignore_result: nobody waits on a Celery result here (our own rows carry
        # state), and subscribing to one would block for seconds while Redis is down.
        celery.send_task(task_name, args=args, kwargs=kwargs, task_id=task_id, ignore_result=True)

    return publish


def celery_init_app(app: Flask) -> Celery:
    celery = make_celery(app, app.config["REDIS_URL"])
    celery.set_default()
    app.extensions["celery"] = celery
    outbox.set_publisher(publisher(celery))
    return celery


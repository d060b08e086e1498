"""Celery, bound to the Flask app (Flask's `celery_init_app` pattern).

`celery -A tasks worker` finds the app through the module attribute `celery`,
resolved lazily from tasks.worker so that importing a task module never builds
an app."""
import importlib
import os

from celery import Celery, Task
from flask import Flask, has_app_context

from models.ops import outbox

TASK_MODULES = ("tasks.maintenance",)


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            if has_app_context():
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.config_from_object("celeryconfig")
    celery.conf.update(
        broker_url=app.config["REDIS_URL"],
        result_backend=app.config["REDIS_URL"],
        beat_schedule_filename=os.path.join(app.instance_path, "celerybeat-schedule"),
    )
    celery.set_default()
    for module in TASK_MODULES:
        importlib.import_module(module)
    app.extensions["celery"] = celery

    def publish(task_name, args, kwargs, task_id):
        celery.send_task(task_name, args=args, kwargs=kwargs, task_id=task_id)

    outbox.set_publisher(publish)
    return celery


def __getattr__(name):
    if name == "celery":
        from tasks.worker import celery

        return celery
    raise AttributeError(name)

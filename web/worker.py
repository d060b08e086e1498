"""Entry point of the Celery worker, beat and Flower: `celery -A web.worker worker`.

The composition of a worker lives here, on the web floor, as in Flask's Celery example:
tasks/ never imports web/ or sockets/. Builds the Flask app (without a Socket.IO server:
events leave through the write-only Redis emitter), which binds Celery and imports every
task module (tasks.TASK_MODULES) and relay (sockets). Each task runs in its own app
context (tasks.FlaskTask), whose teardown removes the database session. Worker and beat log JSON lines
through the web's handler (web.conventions.logging), not Celery's formats."""
import logging

from celery.signals import setup_logging, worker_process_init, worker_ready

from tasks.logs import TaskFields
from web.app import create_app
from web.conventions.logging import configure_logging
from web.extensions import db

flask_app = create_app(socket_server=False)
celery = flask_app.extensions["celery"]
log = logging.getLogger("web.worker")


@setup_logging.connect
def _json_logs(loglevel=None, **_):
    """Connected, this signal stops Celery from replacing the root logger's handlers
    with its own. Celery then leaves print() alone too, so send it to the log as
    Celery would (worker_redirect_stdouts); the handler writes to the real stdout."""
    configure_logging(loglevel or flask_app.config["LOG_LEVEL"], filters=(TaskFields(),))
    if celery.conf.worker_redirect_stdouts:
        celery.log.redirect_stdouts_to_logger(logging.getLogger("celery.redirected"),
                                              loglevel=celery.conf.worker_redirect_stdouts_level)


@worker_ready.connect
def _log_start(sender=None, **_):
    """What the banner (silenced by --quiet, it is not JSON) would have said."""
    queues = ",".join(sorted(queue.name for queue in sender.task_consumer.queues))
    concurrency = getattr(getattr(sender, "controller", None), "concurrency", None)
    log.info("worker %s ready: queues %s, concurrency %s", sender.hostname, queues, concurrency,
             extra={"hostname": sender.hostname, "queues": queues, "concurrency": concurrency})


@worker_process_init.connect
def _fresh_connections(**_):
    """A forked child must not reuse the parent's pooled connections."""
    with flask_app.app_context():
        db.engine.dispose(close=False)

"""Entry point of the Celery worker, beat and Flower: `celery -A tasks.worker worker`.

Builds the Flask app (without a Socket.IO server: events leave through the
write-only Redis emitter). Each task runs in its own app context (tasks.FlaskTask),
whose teardown removes the database session."""
from celery.signals import worker_process_init

from web import create_app
from web.extensions import db

flask_app = create_app(socket_server=False)
celery = flask_app.extensions["celery"]


@worker_process_init.connect
def _fresh_connections(**_):
    """A forked child must not reuse the parent's pooled connections."""
    with flask_app.app_context():
        db.engine.dispose(close=False)


"""Fixtures: a real database (DATABASE_URL: PostgreSQL in CI, else SQLite) and a
real Redis (REDIS_URL), as chosen by scripts/test; a real Celery worker (thread
or process); the real web process for Socket.IO clients."""
import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time

import pytest
import redis as redis_lib
from sqlalchemy import inspect, text

# scripts/test sets these; a bare `pytest` gets SQLite and storage in a temp dir, and the local Redis.
if not (os.environ.get("DATABASE_URL") and os.environ.get("STORAGE_DIR")):
    _tmp = tempfile.mkdtemp(prefix="fieldops-test-")
    atexit.register(shutil.rmtree, _tmp, ignore_errors=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/test.db")
    os.environ.setdefault("STORAGE_DIR", f"{_tmp}/storage")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
# Pub/sub channels span every db of a Redis server: keep this run's live events to itself
# (child processes, the web server and the worker, inherit it).
os.environ.setdefault("SOCKETIO_CHANNEL", f"fieldops-test-{os.getpid()}")

from models.core.db import db as _db  # noqa: E402
from tests.support.database import empty_tables  # noqa: E402
from tests.support.factories import Tenants  # noqa: E402
from tests.support.processes import QUEUES, ROOT, process_env, stop  # noqa: E402
from web import create_app  # noqa: E402
from web.config import TestConfig  # noqa: E402


def _reset_schema(app):
    import flask_migrate

    with app.app_context():
        with _db.engine.begin() as conn:
            if _db.engine.dialect.name == "postgresql":
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            else:
                conn.execute(text("PRAGMA foreign_keys=OFF"))
                for table in inspect(conn).get_table_names():
                    conn.execute(text(f'DROP TABLE "{table}"'))
        flask_migrate.upgrade()


@pytest.fixture(scope="session")
def app():
    from tests.support import routes as support_routes

    app = create_app(TestConfig())
    app.register_blueprint(support_routes.blp)
    _reset_schema(app)
    return app


def _clear_tables(app):
    with app.app_context():
        _db.session.remove()
        empty_tables(_db.engine, _db.metadata)


def _clear_redis_state(app):
    """Queued tasks, rate-limit counters and cached list totals: ids restart with every test,
    so nothing may carry over into the next one."""
    app.extensions["celery"].control.purge()
    client = app.extensions["redis"]
    for pattern in ("LIMITS*", "listcount:*", "dispatch:metrics-pending:*"):
        for key in client.scan_iter(pattern):
            client.delete(key)


@pytest.fixture(autouse=True)
def clean_state(app):
    """Every test starts with empty tables and no leftover Redis state."""
    yield
    _clear_tables(app)
    _clear_redis_state(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth(app):
    return Tenants(app)


@pytest.fixture
def db(app):
    with app.app_context():
        yield _db


@pytest.fixture(scope="session")
def redis_client(app):
    return redis_lib.Redis.from_url(app.config["REDIS_URL"])


@pytest.fixture(scope="session")
def celery_app(app):
    return app.extensions["celery"]


@pytest.fixture(scope="module")
def worker(celery_app):
    """A real Celery worker consuming every queue, in a thread of the test process.
    Module-scoped, so it never competes with a worker process another module starts."""
    from celery.contrib.testing.worker import start_worker

    with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=QUEUES,
                      loglevel="WARNING", shutdown_timeout=10) as running:
        yield running


@pytest.fixture(scope="session")
def live_server(app):
    """The real web process (`python -m web.server`: eventlet, Socket.IO) on a free port."""
    import socket
    import urllib.request

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    proc = subprocess.Popen([sys.executable, "-m", "web.server"], cwd=ROOT,
                            env=process_env(app, PORT=str(port), HOST="127.0.0.1", LOG_LEVEL="WARNING"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        assert proc.poll() is None, "the web process exited during start-up"
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        stop(proc)
        raise RuntimeError("web process did not start")
    yield url
    stop(proc)


@pytest.fixture(scope="module")
def worker_process(app):
    """A real `celery -A web.worker worker` process, as the Procfile runs it, on the test database and Redis."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "web.worker", "worker", "--pool=solo", "--loglevel=WARNING",
         "-Q", ",".join(QUEUES), "--hostname", f"test-worker-{os.getpid()}@%h", "--without-mingle",
         "--without-gossip"],
        env=process_env(app), cwd=ROOT,
    )
    celery = app.extensions["celery"]
    deadline = time.time() + 60
    while time.time() < deadline and not celery.control.inspect(timeout=0.5).ping():
        assert proc.poll() is None, "the worker process exited during start-up"
    yield proc
    stop(proc)

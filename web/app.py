"""The application factory. No app is created at import time."""
import warnings

import redis
from engineio import payload as engineio_payload
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from models.core import settings
from models.core.db import ping_when_idle
from sockets import emitter, fanout, register_namespaces
from sockets.message_queue import PACKET_JSON, SocketQueue
from tasks import celery_init_app
from web import auth, docs, session_revocation
from web.api import blueprints
from web.cli import register_commands
from web.config import INSTANCE_DIR, ROOT, Config
from web.conventions import (caching, errors, idempotency, input_guard, request_context, routing, strict_json,
                             unit_of_work)
from web.conventions.logging import configure_logging
from web.conventions.paths import CanonicalPathMiddleware
from web.extensions import api, compress, cors, db, jwt, limiter, migrate, socketio


def _default_async_mode() -> str:
    """eventlet when the process was monkey-patched (web.server), else threads (CLI, tests)."""
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # it works; moving off eventlet is a later decision
            import eventlet.patcher
        return "eventlet" if eventlet.patcher.is_monkey_patched("socket") else "threading"
    except ImportError:
        return "threading"


def create_app(config: Config | None = None, *, socket_server: bool = True) -> Flask:
    """Build the app. `socket_server=False` (Celery workers) binds no Socket.IO
    server: events then leave through a write-only Redis emitter."""
    config = config or Config()
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.json = strict_json.JSONProvider(app)
    app.url_map.converters["int"] = routing.IdConverter
    app.config.from_object(config)
    settings.bind(app.config)
    configure_logging(app.config["LOG_LEVEL"])

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            ping_when_idle(db.engine, app.config["DB_PING_IDLE_SECONDS"])
    migrate.init_app(app, db, directory=str(ROOT / "models" / "migrations"), render_as_batch=True)
    jwt.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    cors.init_app(app, resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"]}},
                  expose_headers=["ETag", "Location", "Retry-After", "X-Request-ID", "Idempotent-Replayed"])
    app.extensions["redis"] = redis.Redis.from_url(app.config["REDIS_URL"], socket_timeout=2,
                                                   socket_connect_timeout=2)

    # Order matters: hooks run in registration order before the view and in
    # reverse order after it (all before Flask-Compress, registered above).
    request_context.install(app)
    input_guard.install(app)
    auth.install(app, jwt)
    unit_of_work.install(app)  # commits after the hooks below have run, before request_context's
    idempotency.install(app)
    caching.install(app)
    errors.install(app)

    api.init_app(app)
    for blueprint in blueprints():
        api.register_blueprint(blueprint)
    app.register_blueprint(docs.blp)
    register_commands(app)

    celery_init_app(app)
    if socket_server:
        socketio.init_app(
            app,
            async_mode=app.config["SOCKETIO_ASYNC_MODE"] or _default_async_mode(),
            client_manager=SocketQueue(app.config["SOCKETIO_MESSAGE_QUEUE"], channel=app.config["SOCKETIO_CHANNEL"]),
            cors_allowed_origins=app.config["CORS_ORIGINS"] if app.config["CORS_ORIGINS"] != ["*"] else "*",
            json=PACKET_JSON,
        )
        fanout.install(socketio.server.eio)
        # engine.io drops a long-polling request of more than 16 packets (its default), all of them and
        # silently; browsers batch what is pending: a console re-subscribing to 20 jobs would lose every one.
        # (A class attribute: python-engineio has no per-server setting. The request's bytes stay bounded.)
        engineio_payload.Payload.max_decode_packets = app.config["SOCKETIO_POLLING_MAX_PACKETS"]
        register_namespaces(socketio)
        emitter.use_server(socketio)
        session_revocation.install(app, socketio.start_background_task)
    else:
        emitter.use_message_queue(app.config["SOCKETIO_MESSAGE_QUEUE"], channel=app.config["SOCKETIO_CHANNEL"])
        session_revocation.install(app)  # publishes what its tasks change; keeps no cache
    emitter.keep_events_in(app.extensions["redis"])  # the organizations' event streams (resume, SSE)

    app.wsgi_app = CanonicalPathMiddleware(app.wsgi_app)
    if app.config["PROXY_FIX_X_FOR"]:  # behind N trusted proxies: real client IPs for rate limits and audit
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1)
    return app

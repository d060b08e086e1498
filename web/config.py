"""Configuration from the environment (README, Configuration). A `.env` file is honoured.

Secrets: SECRET_KEY and JWT_SECRET_KEY come from the environment; for local
development, when unset, they are generated once into instance/secrets.json
(git-ignored) so every process of one checkout shares them. So is the VAPID key
pair of push notifications, into instance/vapid.pem."""
import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

from models.integrations.vapid import dev_private_key

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "instance"

load_dotenv(ROOT / ".env", override=False)


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_int(name: str, default: int) -> int:
    return int(env_str(name, str(default)))


def env_bool(name: str, default: bool) -> bool:
    return env_str(name, str(default)).strip().lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_counts(name: str, default: str = "") -> dict[str, int]:
    """`kind=count` pairs separated by commas (`photo=200,export=3`) as a dict."""
    pairs = (item.split("=", 1) for item in env_list(name, default))
    return {kind.strip(): int(count) for kind, count in pairs}


def _dev_secret(name: str) -> str:
    """Read or create a development secret under instance/ (race-safe across processes)."""
    path = INSTANCE_DIR / "secrets.json"
    INSTANCE_DIR.mkdir(exist_ok=True)
    stored = json.loads(path.read_text()) if path.exists() else {}
    if name not in stored:
        stored[name] = secrets.token_urlsafe(48)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(stored))
        try:
            os.link(tmp, path)  # fails if another process wrote it first
        except FileExistsError:
            stored = json.loads(path.read_text())
            if name not in stored:  # older file lacks this key: extend it
                stored[name] = secrets.token_urlsafe(48)
                tmp.write_text(json.dumps(stored))
                os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    return stored[name]


def database_url() -> str:
    url = env_str("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'fieldops.db'}")
    # psycopg2, which eventlet can make cooperative (SQLAlchemy 2.1 would pick psycopg 3).
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg2://" + url[len(prefix):]
    return url


API_DESCRIPTION = """FieldOps: one multi-tenant field-service API for the dispatch console, the marketplace
admin app, the CRM, the customer portal and the technician app.

Sign in with `POST /auth/login`, then send `Authorization: Bearer <access_token>`; refresh with
`POST /auth/refresh`. Every answer is an envelope: `{"success": true, "data": ...}` (lists add `meta`)
or `{"success": false, "error": {"code", "message", "details"}}`. Writes accept `Idempotency-Key`;
GETs answer with an `ETag`. Live events travel over Socket.IO.

The repository's guides say more: `docs/api.md` (envelope, pagination, filters, idempotency, caching,
rate limits, every error code), `docs/events.md` (Socket.IO namespaces, rooms and events) and
`docs/architecture.md`."""


class Config:
    def __init__(self):
        INSTANCE_DIR.mkdir(exist_ok=True)
        self.SECRET_KEY = env_str("SECRET_KEY") or _dev_secret("SECRET_KEY")
        self.JWT_SECRET_KEY = env_str("JWT_SECRET_KEY") or _dev_secret("JWT_SECRET_KEY")
        self.SQLALCHEMY_DATABASE_URI = database_url()
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)
        self.DB_PING_IDLE_SECONDS = float(env_str("DB_PING_IDLE_SECONDS", "5"))
        self.REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
        self.SOCKETIO_MESSAGE_QUEUE = env_str("SOCKETIO_MESSAGE_QUEUE", self.REDIS_URL)
        # Redis pub/sub ignores the db number: deployments sharing one Redis need their own channel.
        self.SOCKETIO_CHANNEL = env_str("SOCKETIO_CHANNEL", "fieldops-socketio")
        self.SOCKETIO_ASYNC_MODE = env_str("SOCKETIO_ASYNC_MODE")  # None: eventlet if monkey-patched
        # A long-polling client sends every packet it has pending in one request (docs/events.md#transports).
        self.SOCKETIO_POLLING_MAX_PACKETS = env_int("SOCKETIO_POLLING_MAX_PACKETS", 1000)
        # Each web process keeps the session check's answers this long (0: off); every change that ends or
        # alters a session is published on this channel, and empties them at once (docs/security.md#sessions).
        self.SESSION_CACHE_SECONDS = float(env_str("SESSION_CACHE_SECONDS", "30"))
        self.SESSION_CACHE_CHANNEL = env_str("SESSION_CACHE_CHANNEL", f"{self.SOCKETIO_CHANNEL}:auth")
        self.STORAGE_DIR = env_str("STORAGE_DIR", str(INSTANCE_DIR / "storage"))
        # Signed links to photos and downloads (docs/api.md#files-and-links) are good this long.
        self.FILE_LINK_TTL_SECONDS = env_int("FILE_LINK_TTL_SECONDS", 3600)
        self.CORS_ORIGINS = env_list("CORS_ORIGINS", "*")
        self.PROXY_FIX_X_FOR = env_int("PROXY_FIX_X_FOR", 0)  # trusted proxies in front (X-Forwarded-For)
        self.PORT = env_int("PORT", 5000)
        self.LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
        self.MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 25 * 1024 * 1024)
        self.PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 15 * 1024 * 1024)  # one job photo; larger is 413
        # Decoding costs ~4 bytes a pixel and more: 50 MP keeps a media worker well under 1 GB.
        self.PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_PIXELS", 50_000_000)
        self.PASSWORD_HASH_METHOD = env_str("PASSWORD_HASH_METHOD", "scrypt")
        self.REFRESH_TOKEN_TTL_DAYS = env_int("REFRESH_TOKEN_TTL_DAYS", 30)
        self.LOGIN_RATE_LIMIT_PER_IP = env_str("LOGIN_RATE_LIMIT_PER_IP", "20/minute")
        self.LOGIN_RATE_LIMIT_PER_EMAIL = env_str("LOGIN_RATE_LIMIT_PER_EMAIL", "5/minute")
        self.REFRESH_RATE_LIMIT_PER_IP = env_str("REFRESH_RATE_LIMIT_PER_IP", "60/minute")
        # Open sockets: how often each web process ends those whose token expired or whose session
        # ended or rights changed unnoticed (docs/events.md).
        self.SOCKET_SWEEP_SECONDS = float(env_str("SOCKET_SWEEP_SECONDS", "5"))
        # Live events are kept per organization this long, and at most about this many, for clients that
        # resume (Socket.IO `resume`, SSE `Last-Event-ID`); SSE streams send a heartbeat this often.
        self.EVENT_RETENTION_HOURS = float(env_str("EVENT_RETENTION_HOURS", "24"))
        self.EVENT_STREAM_MAXLEN = env_int("EVENT_STREAM_MAXLEN", 100_000)
        self.SSE_HEARTBEAT_SECONDS = float(env_str("SSE_HEARTBEAT_SECONDS", "15"))
        # Starting background work (exports, backups, restores, analytics refreshes) and uploading
        # photos, per signed-in user and per organization; Flask-Limiter strings. docs/security.md
        self.WORK_RATE_LIMIT_PER_USER = env_str("WORK_RATE_LIMIT_PER_USER", "10/minute")
        self.WORK_RATE_LIMIT_PER_ORGANIZATION = env_str("WORK_RATE_LIMIT_PER_ORGANIZATION", "30/minute")
        self.UPLOAD_RATE_LIMIT_PER_USER = env_str("UPLOAD_RATE_LIMIT_PER_USER", "30/minute")
        self.UPLOAD_RATE_LIMIT_PER_ORGANIZATION = env_str("UPLOAD_RATE_LIMIT_PER_ORGANIZATION", "120/minute")
        # Jobs of one kind an organization may have waiting for a worker at once, and the kinds
        # with their own number (a technician syncs a day of photos in one go).
        self.QUEUED_JOBS_PER_KIND = env_int("QUEUED_JOBS_PER_KIND", 5)
        self.QUEUED_JOBS_PER_KIND_EXCEPTIONS = env_counts("QUEUED_JOBS_PER_KIND_EXCEPTIONS", "photo=200,refund=500")
        self.OUTBOX_RELAY_GRACE_SECONDS = env_int("OUTBOX_RELAY_GRACE_SECONDS", 10)
        # Redis redelivers a task whose worker died (machine crash) after this many seconds; it must
        # exceed the longest task and retry countdown, or a slow task is handed out twice.
        self.BROKER_VISIBILITY_TIMEOUT = env_int("BROKER_VISIBILITY_TIMEOUT", 2 * 60 * 60)
        # Notification deliveries (push, email): the delays, in seconds, before each retry (docs/notifications.md).
        self.DELIVERY_RETRY_SCHEDULE = env_str("DELIVERY_RETRY_SCHEDULE", "10,60,300,1800,7200")
        # Finished background jobs and their files (exports) are purged after this; backups are kept.
        self.BACKGROUND_JOB_RETENTION_DAYS = env_int("BACKGROUND_JOB_RETENTION_DAYS", 14)
        # The stalled-job reaper (docs/operations.md): every REAPER_INTERVAL_SECONDS beat looks for running
        # jobs silent for REAPER_GRACE_SECONDS (no progress report) whose worker is gone or no longer holds
        # them, and hands them out again; the last setting below is how long workers get to answer.
        self.REAPER_INTERVAL_SECONDS = env_int("REAPER_INTERVAL_SECONDS", 30)
        self.REAPER_GRACE_SECONDS = env_int("REAPER_GRACE_SECONDS", 120)
        self.REAPER_INSPECT_TIMEOUT = float(env_str("REAPER_INSPECT_TIMEOUT", "1.0"))
        # Webhooks (docs/webhooks.md): the delays (s) of the retries after a first failed attempt; the failed
        # deliveries in a row that disable an endpoint; http URLs and non-public addresses (SSRF) only when allowed.
        self.WEBHOOK_RETRY_SCHEDULE = env_str("WEBHOOK_RETRY_SCHEDULE", "5,300,1800,7200,18000,36000,57600,86400")
        self.WEBHOOK_DISABLE_AFTER = env_int("WEBHOOK_DISABLE_AFTER", 50)
        self.WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", False)
        self.WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", False)

        # Push and mail (docs/operations.md#push-notifications, #mail).
        self.VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY") or dev_private_key(INSTANCE_DIR / "vapid.pem")
        self.VAPID_SUBJECT = env_str("VAPID_SUBJECT", "mailto:admin@localhost")
        # Push subscriptions' endpoints are checked like webhook URLs: https, public addresses (SSRF), unless allowed.
        self.PUSH_ALLOW_HTTP_ENDPOINTS = env_bool("PUSH_ALLOW_HTTP_ENDPOINTS", False)
        self.PUSH_ALLOW_PRIVATE_ENDPOINTS = env_bool("PUSH_ALLOW_PRIVATE_ENDPOINTS", False)
        # POST /notifications/receipts takes no bearer token: per client address (docs/notifications.md#receipts).
        self.RECEIPT_RATE_LIMIT_PER_IP = env_str("RECEIPT_RATE_LIMIT_PER_IP", "120/minute")
        self.SMTP_URL = env_str("SMTP_URL")  # unset: mails are written under STORAGE_DIR/mail
        # STARTTLS by default when the relay takes a password, so that it never travels in the clear.
        self.SMTP_STARTTLS = env_bool("SMTP_STARTTLS", bool(self.SMTP_URL and urlsplit(self.SMTP_URL).username))
        self.SMTP_CA_FILE = env_str("SMTP_CA_FILE")  # a PEM bundle to trust instead of the system's CAs
        self.SMTP_TIMEOUT = float(env_str("SMTP_TIMEOUT", "10"))
        self.MAIL_FROM = env_str("MAIL_FROM", "FieldOps <noreply@localhost>")

        # Payments (docs/operations.md#payments): `sandbox` (offline, deterministic) or `stripe`; by default
        # stripe when STRIPE_API_KEY is set. STRIPE_API_BASE points the stripe package elsewhere (a test fake).
        self.STRIPE_API_KEY = env_str("STRIPE_API_KEY")
        self.STRIPE_API_BASE = env_str("STRIPE_API_BASE")
        self.STRIPE_TIMEOUT = float(env_str("STRIPE_TIMEOUT", "20"))
        self.PAYMENT_PROVIDER = env_str("PAYMENT_PROVIDER", "stripe" if self.STRIPE_API_KEY else "sandbox")

        # Flask-JWT-Extended: HS256 pinned, short-lived access tokens, header only.
        self.JWT_ALGORITHM = "HS256"
        self.JWT_DECODE_ALGORITHMS = ["HS256"]
        self.JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=env_int("ACCESS_TOKEN_MINUTES", 15))
        self.JWT_TOKEN_LOCATION = ["headers"]

        # Flask-Limiter on Redis; a Redis outage must not take the API down with it.
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL
        self.RATELIMIT_SWALLOW_ERRORS = True
        # While Redis is down, count in this process's memory instead: limits stay (per process), never off.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        self.RATELIMIT_HEADERS_ENABLED = True
        self.RATELIMIT_KEY_PREFIX = "fieldops-rl"
        self.RATELIMIT_DEFAULT = env_str("RATELIMIT_DEFAULT")

        # Flask-Compress: gzip JSON; weak ETags survive compression unchanged.
        self.COMPRESS_ALGORITHM = ["gzip"]
        self.COMPRESS_MIN_SIZE = 500
        self.COMPRESS_MIMETYPES = ["application/json", "text/html", "text/css", "application/javascript", "text/csv"]

        # flask-smorest / OpenAPI
        self.API_TITLE = "FieldOps API"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api/v1"
        self.OPENAPI_JSON_PATH = "openapi.json"
        self.OPENAPI_SWAGGER_UI_PATH = "docs"
        self.OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"
        self.OPENAPI_SWAGGER_UI_CONFIG = {"persistAuthorization": True}  # the token survives a reload
        self.API_SPEC_OPTIONS = {
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
            "security": [{"bearerAuth": []}],
            "info": {"description": API_DESCRIPTION},
        }
        self.PROPAGATE_EXCEPTIONS = False


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        return {"connect_args": {"check_same_thread": False, "timeout": 30}}
    # No pool_pre_ping: web.app pings only connections idle for DB_PING_IDLE_SECONDS (models.core.db.ping_when_idle).
    # LIFO: the connection handed back last goes out next, so the ones in use stay warm (no ping) and
    # the pool's surplus stays idle.
    return {"pool_size": env_int("DB_POOL_SIZE", 10), "max_overflow": 20, "pool_use_lifo": True}


class TestConfig(Config):
    def __init__(self):
        super().__init__()
        self.TESTING = True
        self.SOCKETIO_ASYNC_MODE = "threading"
        self.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing; the real KDF is not under test
        self.OUTBOX_RELAY_GRACE_SECONDS = 0
        # In-process tests count the session check's query; the web processes they start keep the default.
        self.SESSION_CACHE_SECONDS = 0
        # Test receivers listen on http://127.0.0.1; the SSRF tests turn these off.
        self.WEBHOOK_ALLOW_HTTP = True
        self.WEBHOOK_ALLOW_PRIVATE = True
        self.PUSH_ALLOW_HTTP_ENDPOINTS = True  # the local push service (tests/support/push_service.py)
        self.PUSH_ALLOW_PRIVATE_ENDPOINTS = True

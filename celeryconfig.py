"""Celery's own settings (lowercase, as Celery reads them). Connection URLs
come from the Flask config (REDIS_URL) in tasks.celery_init_app."""
from kombu import Queue

task_serializer = "json"
result_serializer = "json"
accept_content = ["json"]
timezone = "UTC"
enable_utc = True

# Our BackgroundJob/outbox rows carry state; Celery results are not needed.
task_ignore_result = True

# At-least-once delivery: ack after the task ran; every task is idempotent,
# so a message redelivered after a worker died finishes once.
task_acks_late = True
task_reject_on_worker_lost = True
worker_prefetch_multiplier = 1
task_time_limit = 30 * 60
task_soft_time_limit = 25 * 60

broker_transport_options = {
    # visibility_timeout comes from BROKER_VISIBILITY_TIMEOUT (web/config.py), in make_celery.
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # Publishing after a request's commit must not hang when Redis is down:
    # give up fast, the outbox keeps the message for beat to relay.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
broker_connection_retry_on_startup = True
task_publish_retry_policy = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}

task_default_queue = "default"
task_queues = [Queue(name) for name in ("default", "exports", "media", "notifications", "maintenance")]
task_routes = {
    "exports.*": {"queue": "exports"},
    "media.*": {"queue": "media"},
    "notifications.*": {"queue": "notifications"},
    "webhooks.*": {"queue": "notifications"},
    "maintenance.*": {"queue": "maintenance"},
    "analytics.*": {"queue": "maintenance"},
    "backups.*": {"queue": "maintenance"},
    "marketplace.issue_referral_reward": {"queue": "maintenance"},
}

# Beat skips an entry whose task says it has nothing to do (tasks.beat), so an idle
# relay or reaper sends no message. The reaper's period comes from REAPER_INTERVAL_SECONDS.
beat_scheduler = "tasks.beat:QuietScheduler"
beat_schedule = {
    "relay-outbox": {"task": "maintenance.relay_outbox", "schedule": 10.0},
    "reap-stalled-jobs": {"task": "maintenance.reap_stalled_jobs", "schedule": 30.0},
    "purge-expired": {"task": "maintenance.purge_expired", "schedule": 60.0 * 60},
    # Yesterday and today of every organization; a run not started within its period is dropped.
    # Calls and meetings starting within 15 minutes; a run not started within its minute is dropped.
    "crm-activity-reminders": {"task": "crm.send_activity_reminders", "schedule": 60.0, "options": {"expires": 60}},
    "webhooks-reclaim-stuck": {"task": "webhooks.reclaim_stuck", "schedule": 5 * 60.0, "options": {"expires": 5 * 60}},
    "refresh-rollups": {"task": "analytics.refresh_rollups", "schedule": 15 * 60.0, "options": {"expires": 15 * 60}},
    # Notification deliveries left sending longer than the visibility timeout (their worker died).
    "reclaim-notification-deliveries": {"task": "notifications.reclaim_stuck", "schedule": 60.0,
                                        "options": {"expires": 60}},
}

worker_send_task_events = True  # Flower shows live task state
task_send_sent_event = True

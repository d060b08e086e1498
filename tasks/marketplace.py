"""Marketplace work behind the API: executing approved refunds (models.marketplace.refund_execution)."""
from celery import shared_task
from flask import current_app

from models.core.ports import PaymentTransient
from models.integrations import registry
from models.marketplace import refund_execution
from models.marketplace.refund import EXECUTE_TASK
from tasks.base import TrackedTask
from tasks.retry import TRANSIENT, policy


def _providers(name: str):
    return registry.payment_provider(current_app.config, name)


@shared_task(name=EXECUTE_TASK, base=TrackedTask, bind=True,
             **policy(time_limit=120, retry_on=(*TRANSIENT, PaymentTransient)))
def execute_refund(self, job_id: str) -> dict:
    """Execute the refund a `refund` job names, once: a redelivered or retried message asks the provider
    again with the same idempotency key (`refund-<id>`) and makes no second refund. The provider's
    transient failures are retried with backoff; on the last attempt one ends the refund failed."""
    return refund_execution.execute(job_id, _providers, last_attempt=self.request.retries >= self.max_retries)

"""Referral rewards on the maintenance queue (docs/api.md#referrals)."""
from celery import shared_task

from models.core import context
from models.core.unit_of_work import unit_of_work
from models.marketplace import referrals
from tasks.retry import policy


@shared_task(name=referrals.REWARD_TASK, ignore_result=True, **policy(time_limit=60))
def issue_referral_reward(organization_id: int, referral_id: int) -> dict:
    """The referrer's credit for a qualified referral. Idempotent: under the referral's row lock a
    referral already rewarded gets nothing more, and account_credits holds one credit per referral."""
    with context.acting_as(organization_id=organization_id), unit_of_work():
        credit = referrals.issue_reward(referral_id)
        return {"referral_id": referral_id, "credit_id": credit.id if credit else None}

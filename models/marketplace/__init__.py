"""The marketplace (docs/api.md#marketplace): vendors' services, consumers' bookings and their
payments, refunds through the payment provider, reviews and vendors' takedown requests, referrals,
and the analytics of bookings and revenue.

One module per aggregate: its table and rules; its REST surface is web/api/marketplace/."""
from models.core.domain import Domain
from models.integrations import sandbox_payments  # noqa: F401  (its table)
from models.marketplace import booking, events, payment, referral, refund, review, service, takedown  # noqa: F401
from models.marketplace import analytics_rollup, referral_wiring  # noqa: F401  (they subscribe their handlers)

DOMAIN = Domain(
    name="marketplace",
    depends_on=("identity", "ops", "vendors", "analytics"),
    webhook_events=events.WEBHOOK_EVENTS,
    rollups=(analytics_rollup.MARKETPLACE,),
)

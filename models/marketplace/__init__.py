"""The marketplace (docs/api.md#marketplace): vendors' services, consumers' bookings and their
payments, refunds through the payment provider, reviews and vendors' takedown requests, referrals,
and the analytics of bookings and revenue.

One module per aggregate: its table and rules; its REST surface is web/api/marketplace/."""
from models.core.domain import Domain
from models.integrations import sandbox_payments  # noqa: F401  (its table)
# The tables; analytics_rollup and referral_wiring also subscribe their handlers.
from models.marketplace import (analytics_rollup, booking, events, payment, referral, referral_wiring,  # noqa: F401
                                refund, review, service, takedown)

DOMAIN = Domain(
    name="marketplace",
    depends_on=("identity", "ops", "vendors", "analytics"),
    webhook_events=events.WEBHOOK_EVENTS,
    rollups=(analytics_rollup.MARKETPLACE,),
)

"""The marketplace (docs/api.md#marketplace): vendors' services, consumers' bookings and their
payments, refunds through the payment provider, reviews and vendors' takedown requests, referrals,
and the analytics of bookings and revenue.

One module per aggregate: its table and rules; its REST surface is web/api/marketplace/."""
from models.core.domain import Domain
from models.core.notification_kinds import NotificationKind
from models.integrations import sandbox_payments  # noqa: F401  (its table)
# refund_execution, analytics_rollup and referral_wiring also subscribe their handlers.
from models.marketplace import (analytics_rollup, booking, booking_list, events, payment, referral,  # noqa: F401
                                referral_wiring, refund, refund_execution, refund_list, review, service, takedown)
from models.marketplace.moderation import MODERATED_KIND, RESOLVED_KIND
from models.marketplace.review_list import REVIEWS_EXPORT, TAKEDOWNS_EXPORT

DOMAIN = Domain(
    name="marketplace",
    depends_on=("identity", "analytics", "notify", "ops", "vendors"),
    webhook_events=events.WEBHOOK_EVENTS,
    rollups=(analytics_rollup.MARKETPLACE,),
    exports=(booking_list.EXPORT, refund_list.EXPORT, REVIEWS_EXPORT, TAKEDOWNS_EXPORT),
    notification_kinds=(
        NotificationKind(refund_execution.NOTICE_KIND, channels=("in_app", "email"),
                         description="A refund of one's booking succeeded, failed or was declined"),
        NotificationKind(RESOLVED_KIND, channels=("in_app", "email"),
                         description="A moderator accepted or rejected one's takedown request"),
        NotificationKind(MODERATED_KIND, channels=("in_app", "email"),
                         description="One's review was hidden or removed by a moderator"),
    ),
)

"""Every referral of the organization, for staff (docs/api.md#referrals)."""
from flask.views import MethodView

from models.core.tenancy import check_links
from models.identity.user import User
from models.marketplace import referrals
from web.auth import requires
from web.conventions.envelope import Blueprint
from web.conventions.listing import paginate
from web.conventions.openapi import refused_beyond_schema
from web.schemas.marketplace.referrals import (ReferralListArgsSchema, ReferralSchema, ReferralStatsArgsSchema,
                                               ReferralStatsSchema)

blp = Blueprint("admin_referrals", __name__, url_prefix="/api/v1/admin/referrals",
                description="Referrals of the organization, for staff")
LINKS = {"referrer_id": (User, "user")}
REFERRER_OF_ORGANIZATION = "`referrer_id` must name a user of the organization"


@blp.route("")
class Referrals(MethodView):
    @requires("bookings:manage")
    @blp.arguments(ReferralListArgsSchema, location="query")
    @blp.paginated(ReferralSchema)
    @refused_beyond_schema(REFERRER_OF_ORGANIZATION)
    def get(self, args):
        """List referrals.

        Filters: `status` (comma list; an invite past its expiry is `expired`), `referrer_id`, `date_from`,
        `date_to` (created); `q` searches the referrer's and the referred email; sort `created_at`, `status`,
        `signed_up_at`, `qualified_at` (default `-created_at`)."""
        check_links(args, LINKS)
        return paginate(referrals.of_organization(), args, referrals.REFERRALS)


@blp.route("/stats")
class ReferralStats(MethodView):
    @requires("bookings:manage")
    @blp.arguments(ReferralStatsArgsSchema, location="query")
    @blp.response(200, ReferralStatsSchema)
    @refused_beyond_schema(REFERRER_OF_ORGANIZATION)
    def get(self, args):
        """Count referrals by status; the rewards issued.

        Over the referrals the list's filters and `q` select: `total`, `by_status` (every status), and
        `rewards_issued` {count, amount, currency}."""
        check_links(args, LINKS)
        return referrals.stats(referrals.REFERRALS.narrow(referrals.of_organization(), args))

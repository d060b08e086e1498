from flask import g
from flask.views import MethodView
from sqlalchemy import select

from models.core.tenancy import get_or_404
from models.crm import refs
from models.crm.deal import DEAL_LINKS, DEALS, Deal, create_deal, update_deal
from web.auth import requires
from web.conventions.envelope import Blueprint, created
from web.conventions.listing import paginate
from web.schemas.crm.deals import DealInputSchema, DealItemSchema, DealListArgsSchema, DealSchema, DealUpdateSchema

blp = Blueprint("deals", __name__, url_prefix="/api/v1/deals", description="CRM deals: sales in the making")


@blp.route("")
class Deals(MethodView):
    @requires("crm:read")
    @blp.arguments(DealListArgsSchema, location="query")
    @blp.paginated(DealItemSchema)
    def get(self, args):
        """List deals.

        Filters: `stage` (a comma list), `customer`, `lead`, `assigned_to` (or their `_id` spellings;
        rows of the organization, else 422), `close_from`, `close_to` (the expected close date); `q`
        (or `search`) searches the title."""
        refs.check_links(args, DEAL_LINKS)
        return paginate(select(Deal), args, DEALS)

    @requires("crm:manage")
    @blp.arguments(DealInputSchema)
    @blp.response(201, DealSchema)
    def post(self, body):
        """Add a deal, in the organization's currency.

        `customer`, `lead` and `assigned_to` must be rows of the organization (422 otherwise)."""
        deal = create_deal(body, actor_id=g.user.id)
        return created(deal, f"{blp.url_prefix}/{deal.id}")


@blp.route("/<int:deal_id>")
class DealDetail(MethodView):
    @requires("crm:read")
    @blp.response(200, DealSchema)
    def get(self, deal_id):
        """One deal."""
        return get_or_404(Deal, deal_id, "Deal")

    @requires("crm:manage")
    @blp.arguments(DealInputSchema)
    @blp.response(200, DealSchema)
    def put(self, body, deal_id):
        """Replace a deal's fields.

        Every writable field: `title` is required, a missing optional one is cleared."""
        return update_deal(get_or_404(Deal, deal_id, "Deal"), body)

    @requires("crm:manage")
    @blp.arguments(DealUpdateSchema)
    @blp.response(200, DealSchema)
    def patch(self, body, deal_id):
        """Edit some of a deal's fields."""
        return update_deal(get_or_404(Deal, deal_id, "Deal"), body)

    @requires("crm:manage")
    @blp.response(204)
    def delete(self, deal_id):
        """Delete a deal (soft delete: it leaves lists and details)."""
        get_or_404(Deal, deal_id, "Deal").soft_delete()

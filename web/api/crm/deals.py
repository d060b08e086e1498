from models.crm import deal
from web.resource import Resource
from web.schemas.crm.deals import DealInputSchema, DealItemSchema, DealSchema

DEALS = Resource(
    model=deal.Deal, noun="deal", listing=deal.DEALS, links=deal.DEAL_LINKS, read="crm:read", manage="crm:manage",
    item_schema=DealItemSchema, schema=DealSchema, input_schema=DealInputSchema,
    create=deal.create_deal, update=deal.update_deal,
    list_notes="Filters: `stage` (a comma list), `customer`, `lead`, `assigned_to` (or their `_id` spellings; rows "
               "of the organization, else 422), `close_from`, `close_to` (the expected close date); `q` (or "
               "`search`) searches the title.",
    create_notes="In the organization's currency. `customer`, `lead` and `assigned_to` must be rows of the "
                 "organization (422 otherwise).",
)
blp = DEALS.blueprint(__name__, "CRM deals: sales in the making")

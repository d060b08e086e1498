"""CRM orders and their line items (docs/api.md#crm)."""
from models.core.listing import tally, total_of
from models.crm import order
from web.resource import Resource
from web.schemas.crm.orders import CancelSchema, OrderInputSchema, OrderListItemSchema, OrderSchema, OrderStatsSchema

ORDERS = Resource(
    model=order.Order, noun="order", listing=order.ORDERS, links=order.ORDER_LINKS, read="crm:read",
    manage="crm:manage", item_schema=OrderListItemSchema, schema=OrderSchema, input_schema=OrderInputSchema,
    create=order.create_order, update=order.update_order,
    rules="a line's or the order's total at most 9,999,999,999.99",
    list_notes="Filters: `status`, `order_type` (comma lists), `vendor`, `customer`, `assigned_to` (or their `_id` "
               "spellings; rows of the organization, else 422), `date_from`, `date_to` (the order date); `q` (or "
               "`search`) searches the number, title and description. Items carry `items_count`, not the lines.",
    create_notes="Numbered ORD-YYYY-NNNN, in the organization's currency, with its `items` in one transaction. "
                 "`total_price` and `total_amount` are computed (half-up to the cent); a line or order total past "
                 "9,999,999,999.99 is 422 (`items.<n>.total_price`, `total_amount`). `vendor`, `customer` and "
                 "`assigned_to` must be rows of the organization (422 otherwise).",
    put_notes="Every writable field: a missing required one is 422, a missing optional one is cleared; a missing "
              "`items` clears the lines.",
)
blp = ORDERS.blueprint(__name__, "CRM orders and their line items")

CLOSED = "A completed or cancelled order moves no further (`details.allowed`: the moves its status allows)"
ORDERS.action(blp, "complete", order.complete, summary="Complete an order.",
              description="Any status but completed or cancelled.", conflict=CLOSED)
ORDERS.action(blp, "cancel", order.cancel, body=CancelSchema, summary="Cancel an order.",
              description="Any status but completed or cancelled; the reason is kept as `cancellation_reason`.",
              conflict=CLOSED)


def _stats(stmt):
    by_status = tally(stmt, order.Order.status, order.STATUSES)
    return {"total": sum(by_status.values()), "by_status": by_status,
            "total_revenue": total_of(stmt.where(order.Order.status == "completed"), order.Order.total_amount),
            "by_type": tally(stmt, order.Order.order_type, order.TYPES)}


ORDERS.stats(blp, _stats, OrderStatsSchema, summary="Count orders by status and type; the completed ones' revenue.")

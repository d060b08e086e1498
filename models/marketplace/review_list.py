"""How reviews and takedown requests are listed and exported (docs/api.md#reviews). The queue's
default order is the shown priority, highest first, then the oldest first; the shown priority
depends on the time, so the queue's spec is made for the moment it is read (`queue(now)`)."""
from datetime import datetime

from sqlalchemy import exists

from models.core.db import utcnow
from models.core.exports import ExportSpec
from models.core.listing import Filter, ListSpec, any_of, equal_to
from models.identity.user import User
from models.marketplace.review import STATUSES as REVIEW_STATUSES
from models.marketplace.review import Review
from models.marketplace.takedown import OPEN, PRIORITIES, REASON_CATEGORIES, STATUSES, TakedownRequest
from models.marketplace.takedown_priority import RANKS, shown_rank_sql
from models.vendors.vendor import Vendor


def _open_takedown():
    return exists().where(TakedownRequest.review_id == Review.id, TakedownRequest.status.in_(OPEN))


REVIEWS = ListSpec(
    sortable={"created_at": Review.created_at, "rating": Review.rating},
    default_sort="-created_at", id=Review.id, ids_descending=True,
    filters={
        "status": any_of(Review.status, REVIEW_STATUSES),
        "vendor_id": equal_to(Review.vendor_id, description="of this vendor"),
        "rating": equal_to(Review.rating, description="with exactly this rating"),
        "min_rating": Filter(int, Review.rating.__ge__, description="rated at least"),
        "max_rating": Filter(int, Review.rating.__le__, description="rated at most"),
        "has_open_takedown": Filter(bool, lambda wanted: _open_takedown() if wanted else ~_open_takedown(),
                                    description="with (true) or without (false) a pending or under-review "
                                                "takedown request"),
    },
    search=(Review.title, Review.body),
)


def queue(now: datetime | None = None) -> ListSpec:
    """The takedown requests' list at `now`: `priority` filters and sorts by the shown level."""
    shown = shown_rank_sql(now or utcnow())
    return ListSpec(
        sortable={"priority": shown, "created_at": TakedownRequest.created_at},
        default_sort="-priority,created_at", id=TakedownRequest.id,
        filters={
            "status": any_of(TakedownRequest.status, STATUSES),
            "priority": Filter(str, lambda names: shown.in_([RANKS[name] for name in names]), many=True,
                               choices=PRIORITIES, description="any of these shown priorities"),
            "reason_category": any_of(TakedownRequest.reason_category, REASON_CATEGORIES),
            "vendor_id": equal_to(TakedownRequest.vendor_id, description="of this vendor"),
        },
    )


REVIEWS_EXPORT = ExportSpec(
    resource="reviews", model=Review, permission="reviews:moderate",
    description="Marketplace reviews: vendor, author, rating, text and moderation status",
    columns=[("id", Review.id), ("booking_id", Review.booking_id), ("vendor_id", Review.vendor_id),
             ("vendor_name", Vendor.name), ("author_id", Review.author_id), ("author_name", User.name),
             ("rating", Review.rating), ("title", Review.title), ("body", Review.body), ("status", Review.status),
             ("created_at", Review.created_at), ("updated_at", Review.updated_at)],
    joins=[(Vendor, Vendor.id == Review.vendor_id), (User, User.id == Review.author_id)],
    listing=REVIEWS,
)

TAKEDOWNS_EXPORT = ExportSpec(
    resource="takedown_requests", model=TakedownRequest, permission="reviews:moderate",
    description="Vendors' takedown requests: review, reason, filed priority, status and resolution",
    columns=[("id", TakedownRequest.id), ("review_id", TakedownRequest.review_id),
             ("vendor_id", TakedownRequest.vendor_id), ("vendor_name", Vendor.name),
             ("requested_by_id", TakedownRequest.requested_by_id),
             ("reason_category", TakedownRequest.reason_category), ("description", TakedownRequest.description),
             ("priority", TakedownRequest.base_priority), ("status", TakedownRequest.status),
             ("assigned_to_id", TakedownRequest.assigned_to_id), ("decision", TakedownRequest.decision),
             ("resolution_action", TakedownRequest.resolution_action),
             ("resolution_reason", TakedownRequest.resolution_reason),
             ("resolved_by_id", TakedownRequest.resolved_by_id), ("resolved_at", TakedownRequest.resolved_at),
             ("created_at", TakedownRequest.created_at), ("updated_at", TakedownRequest.updated_at)],
    joins=[(Vendor, Vendor.id == TakedownRequest.vendor_id)],
    listing=ListSpec(sortable={}, default_sort="", id=TakedownRequest.id, filters={
        name: f for name, f in queue(utcnow()).filters.items() if name != "priority"}),
)

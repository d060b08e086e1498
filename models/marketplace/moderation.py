"""Reviews and what happens to them (docs/api.md#reviews): a consumer reviews a completed booking
once; moderators hide, remove and restore; vendors file takedown requests, which moderators take on
and accept (applying a hide or remove) or reject. The vendor's rating follows its published reviews."""
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from models.core import events
from models.core.db import db, utcnow
from models.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from models.core.tenancy import get_or_404
from models.marketplace import evidence as evidence_files
from models.marketplace.booking import Booking
from models.marketplace.events import TakedownCreated, TakedownResolved
from models.marketplace.review import ACTIONS, MOVES, Review, ReviewModeration
from models.marketplace.takedown import OPEN, TakedownRequest
from models.marketplace.takedown_priority import filed_priority, shown_priority
from models.notify.notify import notify
from models.vendors.vendor import Vendor

RESOLVED_KIND = "marketplace.takedown_resolved"
MODERATED_KIND = "marketplace.review_moderated"


# --- reviews ---------------------------------------------------------------------

def create_review(booking_id: int, fields: dict, *, author_id: int) -> Review:
    """The author's review of their own completed booking (another's is 404), once (409)."""
    booking = get_or_404(Booking, booking_id, "Booking")
    if booking.user_id != author_id:
        raise NotFound(f"Booking {booking_id} not found")
    if booking.status != "completed":
        raise Conflict("Only a completed booking can be reviewed", status=booking.status)
    if db.session.scalar(select(Review.id).where(Review.booking_id == booking.id)) is not None:
        raise Conflict("This booking has been reviewed already")
    review = Review(booking_id=booking.id, vendor_id=booking.vendor_id, author_id=author_id, rating=fields["rating"],
                    title=fields.get("title"), body=fields.get("body"), status="published")
    db.session.add(review)
    db.session.flush()
    refresh_rating(booking.vendor_id)
    return review


def moderate(review: Review, action: str, reason: str, *, actor_id: int | None,
             takedown_request_id: int | None = None) -> Review:
    """hide, remove or restore: the move MOVES allows (409 INVALID_TRANSITION with `allowed`), its
    trail entry, the vendor's rating, and the author told when their review goes out of sight."""
    if not (reason or "").strip():
        raise ValidationFailed("A reason is required", reason=["required"])
    review = _locked(review)
    target = ACTIONS[action]
    allowed = [name for name, status in ACTIONS.items() if status in MOVES[review.status]]
    if target not in MOVES[review.status]:
        raise InvalidTransition(f"A {review.status} review cannot be moved by {action}", allowed=allowed)
    review.status = target
    db.session.add(ReviewModeration(organization_id=review.organization_id, review_id=review.id, action=action,
                                    reason=reason, actor_id=actor_id, takedown_request_id=takedown_request_id))
    db.session.flush()
    db.session.expire(review, ["moderation"])
    refresh_rating(review.vendor_id)
    if target != "published" and review.author_id is not None:
        notify([review.author_id], MODERATED_KIND, f"Your review was {target}",
               f"Your review \u201c{review.title or 'untitled'}\u201d was {target}: {reason}",
               data={"review_id": review.id, "status": target, "reason": reason}, created_by=actor_id)
    return review


def refresh_rating(vendor_id: int) -> Vendor:
    """The vendor's rating (mean of published reviews, 1 decimal half-up; null without any) and count."""
    total, count = db.session.execute(
        select(func.coalesce(func.sum(Review.rating), 0), func.count(Review.id))
        .where(Review.vendor_id == vendor_id, Review.status == "published")).one()
    vendor = db.session.get(Vendor, vendor_id)
    vendor.reviews_count = count
    vendor.rating = (Decimal(int(total)) / count).quantize(Decimal("0.1"), ROUND_HALF_UP) if count else None
    return vendor


# --- takedown requests -----------------------------------------------------------

def vendor_review(review_id: int, vendor_id: int | None) -> Review:
    review = get_or_404(Review, review_id, "Review")
    if vendor_id is None or review.vendor_id != vendor_id:
        raise NotFound(f"Review {review_id} not found")
    return review


def vendor_request(request_id: int, vendor_id: int | None) -> TakedownRequest:
    request = get_or_404(TakedownRequest, request_id, "Takedown request")
    if vendor_id is None or request.vendor_id != vendor_id:
        raise NotFound(f"Takedown request {request_id} not found")
    return request


def file_takedown(review: Review, fields: dict, files: list, *, actor_id: int) -> TakedownRequest:
    """A vendor's request to take down one of its reviews, with its evidence; one open at a time."""
    uploads = evidence_files.checked(files)
    review = _locked(review)  # two requests at once for one review: the second waits, then sees the first
    if db.session.scalar(select(TakedownRequest.id).where(TakedownRequest.review_id == review.id,
                                                          TakedownRequest.status.in_(OPEN))) is not None:
        raise Conflict("This review has an open takedown request already")
    request = TakedownRequest(review_id=review.id, vendor_id=review.vendor_id, requested_by_id=actor_id,
                              reason_category=fields["reason_category"], description=fields.get("description"),
                              base_priority=filed_priority(fields["reason_category"], bool(uploads)),
                              status="pending")
    db.session.add(request)
    db.session.flush()
    evidence_files.store(request, uploads)
    _announce(TakedownCreated, request, utcnow())
    return request


def withdraw(request: TakedownRequest) -> TakedownRequest:
    request = _locked(request)
    _check_open(request, "withdrawn")
    request.status = "withdrawn"
    return request


def start_review(request: TakedownRequest, *, actor_id: int) -> TakedownRequest:
    request = _locked(request)
    if request.status != "pending":
        raise InvalidTransition("Only a pending takedown request can be taken on", allowed=_moves(request.status))
    request.status, request.assigned_to_id = "under_review", actor_id
    db.session.flush()
    db.session.expire(request, ["assigned_to"])
    return request


def resolve(request: TakedownRequest, fields: dict, *, actor_id: int) -> TakedownRequest:
    """accept (applying `action`, hide by default, to the review, naming the request) or reject;
    the vendor's user is told the decision and reason."""
    decision = fields["decision"]
    action = fields.get("action") or ("hide" if decision == "accept" else "none")
    if decision == "reject" and action != "none":
        raise ValidationFailed("A rejection takes no action", action=["only with decision accept"])
    request = _locked(request)
    _check_open(request, "accepted" if decision == "accept" else "rejected")
    now = utcnow()
    if action != "none":
        moderate(request.review, action, fields["reason"], actor_id=actor_id, takedown_request_id=request.id)
    request.status = "accepted" if decision == "accept" else "rejected"
    request.decision, request.resolution_action, request.resolution_reason = decision, action, fields["reason"]
    request.resolved_by_id, request.resolved_at = actor_id, now
    db.session.flush()
    db.session.expire(request, ["resolved_by", "assigned_to"])
    _announce(TakedownResolved, request, now)
    vendor_user = request.vendor.user_id
    if vendor_user is not None:
        notify([vendor_user], RESOLVED_KIND, f"Takedown request {request.status}",
               f"Your takedown request for review {request.review_id} was {request.status}: {fields['reason']}",
               data={"request_id": request.id, "review_id": request.review_id, "decision": decision,
                     "action": action, "reason": fields["reason"]}, created_by=actor_id)
    return request


def _locked(row):
    """`row` read again under a row lock (its own table only: its joined relations are outer joins),
    so that concurrent moves of one row happen one after the other, each seeing the last one's status."""
    model = type(row)
    return db.session.scalars(select(model).where(model.id == row.id).with_for_update(of=model)
                              .execution_options(populate_existing=True)).one()


def _moves(status: str) -> list[str]:
    return {"pending": ["under_review", "accepted", "rejected", "withdrawn"],
            "under_review": ["accepted", "rejected", "withdrawn"]}.get(status, [])


def _check_open(request: TakedownRequest, target: str) -> None:
    if request.status not in OPEN:
        raise InvalidTransition(f"A {request.status} takedown request cannot become {target}",
                                allowed=_moves(request.status))


def _announce(kind, request: TakedownRequest, now: datetime) -> None:
    events.record(kind(organization_id=request.organization_id, request_id=request.id, review_id=request.review_id,
                       vendor_id=request.vendor_id, status=request.status, priority=shown_priority(request, now)))

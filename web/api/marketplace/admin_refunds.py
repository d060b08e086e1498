"""Refunds as the admin app works them (docs/api.md#refunds)."""
from types import SimpleNamespace

from flask import g
from flask.views import MethodView

from models.core.tenancy import get_or_404
from models.marketplace import refund as refunds
from models.marketplace.booking import Booking
from models.marketplace.refund import Refund
from models.marketplace.refund_list import REFUNDS, rows
from web.auth import requires
from web.conventions import count_cache
from web.conventions.background import accepted
from web.conventions.envelope import Blueprint, created
from web.conventions.listing import paginate
from web.conventions.openapi import conflicts, refused_beyond_schema
from web.schemas.listing import list_args_schema
from web.schemas.marketplace.payments import (ApproveInputSchema, RefundInputSchema, RefundSchema, RefundStartedSchema,
                                              RejectInputSchema)

count_cache.cache_counts_of(Refund)  # a page's total is counted once per change, not per view
blp = Blueprint("admin_refunds", __name__, url_prefix="/api/v1/admin/refunds",
                description="Refunds of bookings' payments: requested, approved (executed by a job) or rejected")
RefundListArgsSchema = list_args_schema(REFUNDS, "RefundListArgsSchema")
NOT_REQUESTED = "Only a requested refund moves so (`details.allowed`: the moves its status allows)"


def _refund(refund_id: int) -> Refund:
    return get_or_404(Refund, refund_id, "Refund")


@blp.route("")
class Refunds(MethodView):
    @requires("bookings:manage")
    @blp.arguments(RefundListArgsSchema, location="query")
    @blp.paginated(RefundSchema)
    @refused_beyond_schema("`min_amount` must be a number from 0 to 9999999999.99")
    def get(self, args):
        """List refunds.

        Filters: `status` (a comma list), `booking_id`, `vendor_id`, `date_from`, `date_to` (the day it was
        requested), `min_amount`; `q` searches the booking number. Newest first by default."""
        return paginate(rows(), args, REFUNDS)

    @requires("bookings:manage")
    @blp.arguments(RefundInputSchema)
    @blp.response(201, RefundSchema)
    @refused_beyond_schema("the booking is not paid, or `amount` is more than is still refundable "
                           "(`details.amount`)")
    def post(self, body):
        """Request a refund of a booking's payment.

        `requested`, waiting for someone with `refunds:approve`. `amount` defaults to what is still
        refundable: the payment less its refunds requested, approved, processing or succeeded; more than
        that is 422 with `details.amount`, under concurrent requests too."""
        booking = get_or_404(Booking, body["booking_id"], "Booking")
        refund = refunds.request_refund(booking, amount=body["amount"], reason=body["reason"], actor_id=g.user.id)
        return created(refund, f"{blp.url_prefix}/{refund.id}")


@blp.route("/<int:refund_id>")
class RefundDetail(MethodView):
    @requires("bookings:manage")
    @blp.response(200, RefundSchema)
    def get(self, refund_id):
        """One refund."""
        return _refund(refund_id)


@blp.route("/<int:refund_id>/approve")
class RefundApprove(MethodView):
    @requires("refunds:approve")
    @blp.arguments(ApproveInputSchema)
    @blp.response(202, RefundStartedSchema)
    @conflicts(NOT_REQUESTED, transition=True)
    def post(self, body, refund_id):
        """Approve a requested refund.

        It becomes `approved` and a `refund` background job executes it through the payment provider
        (poll `status_url`; `refund.updated` events follow): `processing`, then `succeeded` or `failed`."""
        refund = _refund(refund_id)
        job = refunds.approve(refund, actor_id=g.user.id, note=body["note"])
        return accepted(job, SimpleNamespace(id=job.id, kind=job.kind, status=job.status, refund=refund))


@blp.route("/<int:refund_id>/reject")
class RefundReject(MethodView):
    @requires("refunds:approve")
    @blp.arguments(RejectInputSchema)
    @blp.response(200, RefundSchema)
    @conflicts(NOT_REQUESTED, transition=True)
    def post(self, body, refund_id):
        """Reject a requested refund.

        The `reason` is kept as `rejected_reason` and told to the consumer."""
        return refunds.reject(_refund(refund_id), actor_id=g.user.id, reason=body["reason"])

"""CRM payments (docs/api.md#crm)."""
from models.core.listing import tally, total_of
from models.crm import payment
from web.resource import Resource
from web.schemas.crm.payments import (FailureSchema, PaymentInputSchema, PaymentItemSchema, PaymentSchema,
                                      PaymentStatsSchema)

PAYMENTS = Resource(
    model=payment.Payment, noun="payment", listing=payment.PAYMENTS, links=payment.PAYMENT_LINKS, read="crm:read",
    manage="crm:manage", item_schema=PaymentItemSchema, schema=PaymentSchema, input_schema=PaymentInputSchema,
    create=payment.create_payment, update=payment.update_payment,
    list_notes="Filters: `status`, `payment_type`, `payment_method` (comma lists), `order`, `vendor`, `customer` "
               "(or their `_id` spellings; rows of the organization, else 422), `date_from`, `date_to` (the payment "
               "date); `q` (or `search`) searches the payment, invoice and reference numbers and the transaction id.",
    create_notes="Numbered PAY-YYYY-NNNN, in its order's currency (else the organization's). `order`, `vendor` and "
                 "`customer` must be rows of the organization (422 otherwise). A status of `completed` (here, by "
                 "PUT, PATCH or `process`) sets `processed_at` and `processed_by`.",
)
blp = PAYMENTS.blueprint(__name__, "CRM payments, in and out")

SETTLED = "Only a pending or processing payment moves so (`details.allowed`: the moves its status allows)"
PAYMENTS.action(blp, "process", payment.process, summary="Complete a payment.",
                description="From pending or processing; sets `processed_at` and `processed_by`.", conflict=SETTLED)
PAYMENTS.action(blp, "mark_failed", payment.mark_failed, body=FailureSchema, summary="Mark a payment failed.",
                description="From pending or processing; the reason is kept as `failure_reason`.", conflict=SETTLED)


def _stats(stmt):
    by_status = tally(stmt, payment.Payment.status, payment.STATUSES)
    return {"total": sum(by_status.values()), "by_status": by_status,
            "total_amount": total_of(stmt, payment.Payment.amount),
            "completed_amount": total_of(stmt.where(payment.Payment.status == "completed"), payment.Payment.amount),
            "by_type": tally(stmt, payment.Payment.payment_type, payment.TYPES),
            "by_method": tally(stmt, payment.Payment.payment_method, payment.METHODS)}


PAYMENTS.stats(blp, _stats, PaymentStatsSchema, summary="Count payments by status, type and method; their sums.")

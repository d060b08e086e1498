"""Stripe behind the payment port, with the official `stripe` package (docs/operations.md#payments):
a charge is a PaymentIntent created and confirmed at once, a refund a Refund of that PaymentIntent,
each sent with the caller's idempotency key, so that Stripe answers a repeated request with the
first one's result. `STRIPE_API_BASE` points it elsewhere (a local fake in tests).

Errors: a declined card (CardError), an invalid request (InvalidRequestError, IdempotencyError) and
refused credentials are permanent; no connection, rate limiting and Stripe's own 5xx are transient."""
from decimal import Decimal

import stripe

from models.core.ports import PaymentPermanent, PaymentTransient, ProviderResult

# Zero-decimal currencies (JPY, ...) are not offered: amounts are sent in hundredths.
SETTLED_REFUND = ("succeeded", "pending")


class StripePayments:
    name = "stripe"

    def __init__(self, api_key: str, api_base: str | None = None, timeout: float = 20):
        self.client = stripe.StripeClient(
            api_key, base_addresses={"api": api_base} if api_base else None, max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=timeout))

    def charge(self, amount, currency, method, token, idempotency_key) -> ProviderResult:
        if not token:
            raise PaymentPermanent("A payment_token (a Stripe PaymentMethod id) is needed to pay",
                                   code="payment_token_missing")
        intent = _call(self.client.v1.payment_intents.create, {
            "amount": _minor_units(amount), "currency": currency.lower(), "payment_method": token,
            "payment_method_types": ["card"], "confirm": True, "metadata": {"method": method}}, idempotency_key)
        if intent.status != "succeeded":
            raise PaymentPermanent(f"The payment was not completed ({intent.status})", code=intent.status)
        return ProviderResult(intent.id, intent.status)

    def refund(self, provider_ref, amount, idempotency_key) -> ProviderResult:
        refund = _call(self.client.v1.refunds.create,
                       {"payment_intent": provider_ref, "amount": _minor_units(amount)}, idempotency_key)
        if refund.status not in SETTLED_REFUND:
            raise PaymentPermanent(f"Stripe refused the refund ({refund.status})", code=refund.status)
        return ProviderResult(refund.id, refund.status)


def _minor_units(amount) -> int:
    return int((Decimal(amount) * 100).to_integral_value())


def _call(create, params: dict, idempotency_key: str):
    try:
        return create(params, {"idempotency_key": idempotency_key})
    except stripe.CardError as exc:
        raise PaymentPermanent(exc.user_message or str(exc), code=exc.code) from exc
    except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
        raise PaymentTransient(exc.user_message or str(exc) or type(exc).__name__) from exc
    except (stripe.InvalidRequestError, stripe.IdempotencyError, stripe.AuthenticationError,
            stripe.PermissionError) as exc:
        raise PaymentPermanent(exc.user_message or str(exc), code=exc.code or type(exc).__name__) from exc
    except stripe.APIError as exc:
        if exc.http_status is None or exc.http_status >= 500:
            raise PaymentTransient(exc.user_message or str(exc) or "Stripe failed") from exc
        raise PaymentPermanent(exc.user_message or str(exc), code=exc.code) from exc
    except stripe.StripeError as exc:
        raise PaymentPermanent(exc.user_message or str(exc), code=exc.code) from exc

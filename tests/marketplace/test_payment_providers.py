"""The payment port's two adapters: Stripe (the official package, against a local fake of Stripe's
API) and the sandbox; how the configuration picks one; what a declined Stripe card does to a booking."""
import socket
from decimal import Decimal

import pytest

from models.core.ports import PaymentPermanent, PaymentTransient
from models.integrations import registry
from models.integrations.sandbox_payments import SandboxPayments
from models.integrations.stripe_payments import StripePayments
from tests.support.fake_stripe import DECLINED_METHOD, FakeStripe
from tests.support.marketplace import Market
from tests.support.marketplace_payments import Cashier, configured


@pytest.fixture
def fake_stripe():
    with FakeStripe() as fake:
        yield fake


def adapter(fake, api_key=None) -> StripePayments:
    return StripePayments(api_key or fake.api_key, fake.url, timeout=5)


def test_the_configuration_picks_the_provider():
    assert registry.payment_provider({}).name == "sandbox"
    assert registry.payment_provider({"STRIPE_API_KEY": "sk_test_x"}).name == "stripe"
    assert registry.payment_provider({"STRIPE_API_KEY": "sk_test_x", "PAYMENT_PROVIDER": "sandbox"}).name == "sandbox"
    assert registry.payment_provider({"PAYMENT_PROVIDER": "stripe", "STRIPE_API_KEY": "k"}, "sandbox").name == "sandbox"
    with pytest.raises(RuntimeError):
        registry.payment_provider({"PAYMENT_PROVIDER": "stripe"})  # no key
    with pytest.raises(RuntimeError):
        registry.payment_provider({"PAYMENT_PROVIDER": "paypal"})


def test_stripe_charges_and_refunds_once_per_idempotency_key(fake_stripe):
    stripe = adapter(fake_stripe)
    first = stripe.charge(Decimal("120.50"), "USD", "card", "pm_card_visa", "charge-1")
    again = stripe.charge(Decimal("120.50"), "USD", "card", "pm_card_visa", "charge-1")
    assert first == again and first.status == "succeeded" and first.id.startswith("pi_")
    assert len(fake_stripe.intents) == 1
    assert fake_stripe.requests[0][1]["amount"] == "12050" and fake_stripe.requests[0][2] == "charge-1"

    refund = stripe.refund(first.id, Decimal("20.25"), "refund-1")
    assert stripe.refund(first.id, Decimal("20.25"), "refund-1") == refund
    assert [r["amount"] for r in fake_stripe.refunds] == [2025]


def test_stripe_errors_are_typed(fake_stripe):
    stripe = adapter(fake_stripe)
    with pytest.raises(PaymentPermanent) as declined:
        stripe.charge(Decimal("10"), "USD", "card", DECLINED_METHOD, "charge-2")
    assert declined.value.code == "card_declined"
    with pytest.raises(PaymentPermanent):  # the same key with other parameters: Stripe's idempotency_error
        stripe.charge(Decimal("11"), "USD", "card", DECLINED_METHOD, "charge-2")
    with pytest.raises(PaymentPermanent):  # an invalid request: no such payment intent
        stripe.refund("pi_missing", Decimal("1"), "refund-2")
    with pytest.raises(PaymentPermanent):  # the wrong key
        adapter(fake_stripe, api_key="sk_test_wrong").charge(Decimal("10"), "USD", "card", "pm_card_visa", "c-3")
    fake_stripe.fail_next(1, 500)
    with pytest.raises(PaymentTransient):
        stripe.charge(Decimal("10"), "USD", "card", "pm_card_visa", "charge-4")
    fake_stripe.fail_next(1, 429)
    with pytest.raises(PaymentTransient):
        stripe.charge(Decimal("10"), "USD", "card", "pm_card_visa", "charge-4")
    assert stripe.charge(Decimal("10"), "USD", "card", "pm_card_visa", "charge-4").status == "succeeded"


def test_stripe_unreachable_is_transient():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there
    with pytest.raises(PaymentTransient):
        StripePayments("sk_test_x", f"http://127.0.0.1:{port}", timeout=2).charge(
            Decimal("10"), "USD", "card", "pm_card_visa", "charge-5")


def test_the_sandbox_is_deterministic(app):
    sandbox = SandboxPayments()
    with app.app_context():
        with pytest.raises(PaymentPermanent):
            sandbox.charge(Decimal("5.13"), "USD", "card", None, "s-1")
        with pytest.raises(PaymentPermanent):  # the same key: the same decline
            sandbox.charge(Decimal("5.13"), "USD", "card", None, "s-1")
        with pytest.raises(PaymentPermanent) as refused:
            sandbox.refund("ch_sbx_x", Decimal("3.13"), "s-2")
        assert "refund" in refused.value.reason
        for _ in range(2):
            with pytest.raises(PaymentTransient):
                sandbox.refund("ch_sbx_x", Decimal("3.42"), "s-3")
        made = sandbox.refund("ch_sbx_x", Decimal("3.42"), "s-3")
        assert sandbox.refund("ch_sbx_x", Decimal("3.42"), "s-3") == made
        assert sandbox.count("refund") == 1
        with pytest.raises(PaymentPermanent):  # the key again, for another amount
            sandbox.refund("ch_sbx_x", Decimal("4.00"), "s-3")


def test_a_declined_stripe_card_is_402_and_a_good_one_pays(app, client, auth, fake_stripe):
    market, cashier = Market(app, auth.a), Cashier(client, auth.a)
    booking_id = market.booking()
    with configured(app, **fake_stripe.settings()):
        declined = cashier.pay(booking_id, token=DECLINED_METHOD)
        assert declined.status_code == 402, declined.get_json()
        assert declined.get_json()["error"]["code"] == "PAYMENT_DECLINED"

        fake_stripe.fail_next(1, 503)  # retried within the request
        paid = cashier.pay(booking_id, token="pm_card_visa")
    assert paid.status_code == 200, paid.get_json()
    payment = paid.get_json()["data"]["payment"]
    assert payment["provider"] == "stripe" and payment["provider_ref"] in fake_stripe.intents
    assert [p for p, params, key in fake_stripe.requests if params.get("payment_method") == "pm_card_visa"] \
        == ["/v1/payment_intents"] * 2  # the 503, then its retry with the same key
    keys = {key for _, params, key in fake_stripe.requests if params.get("payment_method") == "pm_card_visa"}
    assert len(keys) == 1 and keys.pop().startswith("charge-")


def test_stripe_without_a_token_is_declined(app, client, auth, fake_stripe):
    market, cashier = Market(app, auth.a), Cashier(client, auth.a)
    with configured(app, **fake_stripe.settings()):
        answer = cashier.pay(market.booking())
    assert answer.status_code == 402 and fake_stripe.requests == []

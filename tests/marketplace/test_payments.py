"""POST /bookings/{id}/pay through the sandbox provider: paid once, declined without a trace on the
booking, refused for a cancelled booking, another's booking, or a second time."""
from tests.support.marketplace import Market
from tests.support.marketplace_payments import Cashier, sandbox_ledger


def test_paying_a_booking_charges_it_once_and_shows_the_payment(app, client, auth):
    market, cashier = Market(app, auth.a), Cashier(client, auth.a)
    booking_id = market.booking("confirmed")

    answer = cashier.pay(booking_id, method="wallet")

    assert answer.status_code == 200, answer.get_json()
    paid = answer.get_json()["data"]
    assert paid["id"] == booking_id and paid["payment_status"] == "paid" and paid["status"] == "confirmed"
    assert paid["amount"] == 120.0 and paid["currency"] == "USD"
    payment = paid["payment"]
    assert payment["status"] == "succeeded" and payment["method"] == "wallet" and payment["provider"] == "sandbox"
    assert payment["amount"] == 120.0 and payment["refunded_amount"] == 0 and payment["paid_at"]
    assert payment["provider_ref"].startswith("ch_sbx_")
    assert sandbox_ledger(app, "charge") == [("120.00", "succeeded", 0)]


def test_paying_twice_is_409_and_charges_nothing_more(app, client, auth):
    market, cashier = Market(app, auth.a), Cashier(client, auth.a)
    booking_id = market.booking()
    assert cashier.pay(booking_id).status_code == 200

    again = cashier.pay(booking_id)

    assert again.status_code == 409, again.get_json()
    assert again.get_json()["error"]["code"] == "CONFLICT"
    assert len(sandbox_ledger(app, "charge")) == 1


def test_a_declined_charge_is_402_and_leaves_the_booking_unpaid(app, client, auth):
    market, cashier = Market(app, auth.a, price="80.13"), Cashier(client, auth.a)
    booking_id = market.booking()

    declined = cashier.pay(booking_id)

    assert declined.status_code == 402, declined.get_json()
    error = declined.get_json()["error"]
    assert error["code"] == "PAYMENT_DECLINED" and "declined" in error["message"]
    shown = client.get(f"/api/v1/admin/refunds?booking_id={booking_id}", headers=auth.a.headers("admin"))
    assert shown.status_code == 200 and shown.get_json()["data"] == []
    assert sandbox_ledger(app, "charge") == [("80.13", "declined", 0)]
    assert cashier.pay(booking_id).status_code == 402  # a new attempt, declined again: still unpaid


def test_a_flaky_provider_is_retried_within_the_request(app, client, auth):
    market, cashier = Market(app, auth.a, price="50.42"), Cashier(client, auth.a)
    booking_id = market.booking()

    answer = cashier.pay(booking_id)

    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["data"]["payment_status"] == "paid"
    assert sandbox_ledger(app, "charge") == [("50.42", "succeeded", 2)]  # one charge, after two failures


def test_a_cancelled_booking_cannot_be_paid(app, client, auth):
    market, cashier = Market(app, auth.a), Cashier(client, auth.a)
    answer = cashier.pay(market.booking("cancelled"))
    assert answer.status_code == 409, answer.get_json()
    assert sandbox_ledger(app, "charge") == []


def test_another_users_or_organizations_booking_is_404(app, client, auth):
    market, cashier = Market(app, auth.a), Cashier(client, auth.a)
    booking_id = market.booking()
    assert Cashier(client, auth.b).pay(booking_id).status_code == 404
    staff = cashier.pay(booking_id, role="admin")  # staff have no portal:access
    assert staff.status_code == 403
    assert sandbox_ledger(app, "charge") == []


def test_a_bad_method_is_422(app, client, auth):
    market, cashier = Market(app, auth.a), Cashier(client, auth.a)
    answer = cashier.pay(market.booking(), method="barter")
    assert answer.status_code == 422 and "method" in answer.get_json()["error"]["details"]

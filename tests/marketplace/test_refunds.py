"""Refunds as the admin app works them: requested, approved into a `refund` job that a real worker
executes through the sandbox provider, rejected; what the payment and the booking then show; the
consumer told; who may do what; the list's filters; never more than the payment, however many ask at once."""
import threading

import pytest

from tests.support.marketplace import Market
from tests.support.marketplace_payments import Cashier, sandbox_ledger
from tests.support.notify import Notices
from tests.support.sockets import Listener
from tests.support.waiting import wait_for


def booking_of(client, tenant, booking_id):
    """The booking's payment as its refunds left it, read over the list of its refunds' payment."""
    answer = client.get(f"/api/v1/admin/refunds?booking_id={booking_id}", headers=tenant.headers("admin"))
    return answer.get_json()["data"]


def payment_status(app, booking_id):
    from models.core.db import db
    from models.marketplace.booking import Booking
    from models.marketplace.payment import BookingPayment

    with app.app_context():
        booking = db.session.execute(db.select(Booking).where(Booking.id == booking_id)
                                     .execution_options(all_tenants=True)).scalar_one()
        payment = db.session.execute(db.select(BookingPayment).where(BookingPayment.booking_id == booking_id,
                                                                     BookingPayment.status == "succeeded")
                                     .execution_options(all_tenants=True)).scalar_one()
        found = booking.payment_status, str(payment.refunded_amount)
        db.session.remove()
        return found


def test_an_approved_refund_is_executed_and_the_booking_follows(app, client, auth, worker):
    market, cashier = Market(app, auth.a), Cashier(client, auth.a)
    booking_id = market.booking("completed", paid=True)

    first = cashier.requested(booking_id, amount=20)
    assert first["status"] == "requested" and first["amount"] == 20.0 and first["booking_number"].startswith("BKG-")
    assert first["requested_by"] == {"id": auth.a.user_ids["admin"], "name": "Alpha Admin"}
    approved = cashier.approve(first["id"], note="Goodwill")
    assert approved.status_code == 202, approved.get_json()
    started = approved.get_json()["data"]
    assert started["refund"]["status"] == "approved"
    assert started["refund"]["approved_by"]["id"] == auth.a.user_ids["admin"]
    assert approved.headers["Location"] == started["status_url"] == f"/api/v1/admin/jobs/{started['job_id']}"

    done = cashier.settled(first["id"])
    assert done["status"] == "succeeded" and done["provider_refund_id"].startswith("re_sbx_") and done["processed_at"]
    assert done["job_id"] == started["job_id"] and cashier.job(started["job_id"])["status"] == "succeeded"
    assert payment_status(app, booking_id) == ("partially_refunded", "20.00")

    rest = cashier.requested(booking_id)  # the default: what is still refundable
    assert rest["amount"] == 100.0
    assert cashier.approve(rest["id"]).status_code == 202
    assert cashier.settled(rest["id"])["status"] == "succeeded"
    assert payment_status(app, booking_id) == ("refunded", "120.00")
    assert [t[:2] for t in sandbox_ledger(app, "refund")] == [("20.00", "succeeded"), ("100.00", "succeeded")]
    titles = [n["title"] for n in Notices(client, auth.a).inbox("customer")]
    assert titles.count("Your refund went through") == 2


def test_a_refund_the_provider_refuses_ends_failed_and_a_new_one_may_be_asked(app, client, auth, worker):
    market, cashier = Market(app, auth.a), Cashier(client, auth.a)
    booking_id = market.booking("completed", paid=True)
    refund = cashier.requested(booking_id, amount=10.13)
    assert cashier.approve(refund["id"]).status_code == 202

    done = cashier.settled(refund["id"])

    assert done["status"] == "failed" and "refused" in done["failure_reason"] and done["provider_refund_id"] is None
    assert payment_status(app, booking_id) == ("paid", "0.00")
    assert cashier.requested(booking_id)["amount"] == 120.0  # a failed refund holds nothing back
    assert "Your refund could not be made" in [n["title"] for n in Notices(client, auth.a).inbox("customer")]


def test_a_flaky_provider_is_retried_by_the_task_until_the_refund_is_made(app, client, auth, worker):
    market, cashier = Market(app, auth.a), Cashier(client, auth.a)
    booking_id = market.booking("completed", paid=True)
    refund = cashier.requested(booking_id, amount=10.42)
    started = cashier.approve(refund["id"]).get_json()["data"]

    done = cashier.settled(refund["id"], timeout=90)  # two retries, backed off up to 5 and 10 s

    assert done["status"] == "succeeded"
    assert sandbox_ledger(app, "refund") == [("10.42", "succeeded", 2)]
    assert cashier.job(started["job_id"])["attempts"] == 3
    assert payment_status(app, booking_id) == ("partially_refunded", "10.42")


def test_rejecting_needs_a_reason_and_ends_the_refund(app, client, auth):
    market, cashier = Market(app, auth.a), Cashier(client, auth.a)
    refund = cashier.requested(market.booking("completed", paid=True), amount=30)
    missing = client.post(f"/api/v1/admin/refunds/{refund['id']}/reject", headers=auth.a.headers("admin"), json={})
    assert missing.status_code == 422 and "reason" in missing.get_json()["error"]["details"]

    rejected = cashier.reject(refund["id"], reason="Outside the window")

    assert rejected.status_code == 200, rejected.get_json()
    assert rejected.get_json()["data"]["status"] == "rejected"
    assert rejected.get_json()["data"]["rejected_reason"] == "Outside the window"
    again = cashier.approve(refund["id"])
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "INVALID_TRANSITION"
    assert again.get_json()["error"]["details"]["allowed"] == []
    assert "Your refund request was declined" in [n["title"] for n in Notices(client, auth.a).inbox("customer")]


def test_more_than_the_payment_or_an_unpaid_booking_is_422(app, client, auth):
    market, cashier = Market(app, auth.a), Cashier(client, auth.a)
    booking_id = market.booking("completed", paid=True)
    cashier.requested(booking_id, amount=100)
    over = cashier.request_refund(booking_id, amount=20.01)
    assert over.status_code == 422 and "amount" in over.get_json()["error"]["details"]
    unpaid = cashier.request_refund(market.booking("completed"), amount=1)
    assert unpaid.status_code == 422 and "amount" in unpaid.get_json()["error"]["details"]


def test_roles_and_tenancy(app, client, auth):
    market, cashier = Market(app, auth.a), Cashier(client, auth.a)
    booking_id = market.booking("completed", paid=True)
    refund = cashier.requested(booking_id, amount=5)
    support = cashier.request_refund(booking_id, amount=5, role="support")  # bookings:manage may ask
    assert support.status_code == 201
    refused = cashier.approve(refund["id"], role="support")  # without refunds:approve
    assert refused.status_code == 403 and refused.get_json()["error"]["details"]["required"] == ["refunds:approve"]
    assert cashier.reject(refund["id"], role="support").status_code == 403
    assert cashier.refunds(role="customer").status_code == 403

    other = Cashier(client, auth.b)
    assert client.get(f"/api/v1/admin/refunds/{refund['id']}", headers=auth.b.headers("admin")).status_code == 404
    assert other.approve(refund["id"]).status_code == 404
    assert other.reject(refund["id"]).status_code == 404
    assert other.request_refund(booking_id, amount=1).status_code == 404
    assert other.refunds().get_json()["data"] == []
    assert cashier.refund(refund["id"])["status"] == "requested"


def test_the_list_filters_and_searches(app, client, auth):
    market, cashier = Market(app, auth.a), Cashier(client, auth.a)
    one, two = market.booking("completed", paid=True), market.booking("completed", paid=True)
    small = cashier.requested(one, amount=5)
    big = cashier.requested(two, amount=50)
    cashier.reject(small["id"])

    def ids(query):
        answer = cashier.refunds(query)
        assert answer.status_code == 200, answer.get_json()
        return [r["id"] for r in answer.get_json()["data"]]

    assert ids("") == [big["id"], small["id"]]
    assert ids("?status=rejected") == [small["id"]]
    assert ids(f"?booking_id={two}") == [big["id"]]
    assert ids(f"?vendor_id={market.vendor_id}") == [big["id"], small["id"]]
    assert ids("?vendor_id=999999") == []
    assert ids("?min_amount=10.5") == [big["id"]]
    assert ids(f"?q={big['booking_number']}") == [big["id"]]
    assert ids("?date_from=2000-01-01&date_to=2999-01-01") == [big["id"], small["id"]]
    bad = cashier.refunds("?min_amount=lots")
    assert bad.status_code == 422 and "min_amount" in bad.get_json()["error"]["details"]


def test_ten_concurrent_requests_never_refund_more_than_the_payment(app, client, auth, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one transaction write at a time: requests queue on its lock, no race to test")
    booking_id = Market(app, auth.a).booking("completed", paid=True)  # 120.00
    start, answers = threading.Barrier(10), []

    def ask():
        with app.test_client() as own:  # a client (and a session) per thread, as ten browsers would be
            start.wait(timeout=30)
            answers.append(Cashier(own, auth.a).request_refund(booking_id, amount=30))

    threads = [threading.Thread(target=ask) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [201] * 4 + [422] * 6, [a.get_json() for a in answers]
    assert sum(r["amount"] for r in booking_of(client, auth.a, booking_id)) == 120.0


def test_refund_updated_reaches_bookings_managers(app, client, auth, live_server, worker):
    market, cashier = Market(app, auth.a), Cashier(client, auth.a)
    booking_id = market.booking("completed", paid=True)
    staff = Listener(live_server, auth.a.tokens["support"], events=("refund.updated",))
    other = Listener(live_server, auth.b.tokens["admin"], events=("refund.updated",))
    try:
        refund = cashier.requested(booking_id, amount=12)
        assert cashier.approve(refund["id"]).status_code == 202
        wait_for(lambda: [e["status"] for e in staff.payloads("refund.updated")][-1:] == ["succeeded"], timeout=30)
        assert [e["status"] for e in staff.payloads("refund.updated")] == ["requested", "approved", "processing",
                                                                           "succeeded"]
        last = staff.payloads("refund.updated")[-1]
        assert {k: last[k] for k in ("refund_id", "booking_id", "amount", "currency")} == {
            "refund_id": refund["id"], "booking_id": booking_id, "amount": 12.0, "currency": "USD"}
        assert other.events() == []
    finally:
        for listener in (staff, other):
            listener.close()

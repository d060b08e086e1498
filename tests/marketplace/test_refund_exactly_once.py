"""A refund reaches Stripe (a local fake, counting the refunds it made) exactly once, whatever happens
to the task: its worker machine killed while Stripe holds the refund request (the broker hands the
message out again after the visibility timeout), Stripe failing transiently, the same approval sent
twice, two approvals at once.

A module of its own, with its own worker machines: they must be the only consumers of the queue."""
import os
import signal
import threading
import time

import pytest

from tests.support.fake_stripe import FakeStripe
from tests.support.marketplace import Market
from tests.support.marketplace_payments import Cashier, configured
from tests.support.processes import start_worker_machine, stop

VISIBILITY_SECONDS = 3
QUEUE = "default"


@pytest.fixture
def quiet_broker(celery_app, redis_client):
    celery_app.control.purge()
    redis_client.delete("unacked", "unacked_index")
    yield
    redis_client.delete("unacked", "unacked_index")


@pytest.fixture
def stripe(app, quiet_broker):
    with FakeStripe() as fake, configured(app, **fake.settings()):
        yield fake


def paid_booking(app, client, auth) -> int:
    """A completed booking of 120.00, paid through (fake) Stripe over the API."""
    market, cashier = Market(app, auth.a), Cashier(client, auth.a)
    booking_id = market.booking("completed")
    paid = cashier.pay(booking_id, token="pm_card_visa")
    assert paid.status_code == 200, paid.get_json()
    return booking_id


def worker_machine(app, stripe, name):
    return start_worker_machine(app, name, [QUEUE], BROKER_VISIBILITY_TIMEOUT=str(VISIBILITY_SECONDS),
                                **stripe.settings())


def test_a_worker_killed_mid_refund_does_not_refund_twice(app, client, auth, redis_client, stripe):
    cashier = Cashier(client, auth.a)
    refund = cashier.requested(paid_booking(app, client, auth), amount=40)
    stripe.hold.arm()
    doomed = worker_machine(app, stripe, "doomed")
    try:
        assert cashier.approve(refund["id"]).status_code == 202
        stripe.hold.wait_until_reached()  # Stripe made the refund; the worker waits for its answer
        os.killpg(doomed.pid, signal.SIGKILL)
        doomed.wait(timeout=10)
    finally:
        stripe.hold.release()
        if doomed.poll() is None:
            stop(doomed)
    assert cashier.refund(refund["id"])["status"] == "processing"  # committed before Stripe was called
    assert redis_client.hlen("unacked") == 1

    time.sleep(VISIBILITY_SECONDS + 1)
    replacement = worker_machine(app, stripe, "replacement")
    try:
        done = cashier.settled(refund["id"])
    finally:
        stop(replacement)
    assert done["status"] == "succeeded"
    assert len(stripe.refunds) == 1 and done["provider_refund_id"] == stripe.refunds[0]["id"]
    refund_calls = [key for path, _, key in stripe.requests if path == "/v1/refunds"]
    assert refund_calls == [f"refund-{refund['id']}"] * 2  # asked again with the same key: replayed


def test_transient_stripe_failures_are_retried_into_one_refund(app, client, auth, stripe):
    cashier = Cashier(client, auth.a)
    refund = cashier.requested(paid_booking(app, client, auth), amount=25)
    stripe.fail_next(2, 500)
    machine = worker_machine(app, stripe, "flaky")
    try:
        started = cashier.approve(refund["id"]).get_json()["data"]
        done = cashier.settled(refund["id"], timeout=90)
    finally:
        stop(machine)
    assert done["status"] == "succeeded" and len(stripe.refunds) == 1
    assert cashier.job(started["job_id"])["attempts"] == 3


def test_the_same_approval_sent_twice_refunds_once(app, client, auth, stripe):
    cashier = Cashier(client, auth.a)
    refund = cashier.requested(paid_booking(app, client, auth), amount=30)
    machine = worker_machine(app, stripe, "twice")
    try:
        first, second = cashier.approve(refund["id"]), cashier.approve(refund["id"])
        assert (first.status_code, second.status_code) == (202, 409)
        assert second.get_json()["error"]["code"] == "INVALID_TRANSITION"
        assert cashier.settled(refund["id"])["status"] == "succeeded"
        time.sleep(1)
    finally:
        stop(machine)
    assert len(stripe.refunds) == 1


def test_two_approvals_racing_refund_once(app, client, auth, stripe):
    cashier = Cashier(client, auth.a)
    refund = cashier.requested(paid_booking(app, client, auth), amount=30)
    start, answers = threading.Barrier(2), []

    def approve():
        with app.test_client() as own:
            start.wait(timeout=30)
            answers.append(Cashier(own, auth.a).approve(refund["id"]))

    machine = worker_machine(app, stripe, "race")
    try:
        threads = [threading.Thread(target=approve) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(a.status_code for a in answers) == [202, 409], [a.get_json() for a in answers]
        assert cashier.settled(refund["id"])["status"] == "succeeded"
        time.sleep(1)
    finally:
        stop(machine)
    assert len(stripe.refunds) == 1

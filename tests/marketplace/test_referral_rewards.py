"""A referred user's first completed booking qualifies the referral; the reward task (a real worker)
issues one credit to the referrer, however the completion races and however often the task runs."""
from decimal import Decimal

import pytest

from models.core import context
from models.core.db import db
from models.marketplace import booking as bookings
from models.marketplace.booking import Booking
from tasks.referrals import issue_referral_reward
from tests.support.marketplace import Market
from tests.support.marketplace_referrals import count_credits, credits, move_at_once, refer, referral, set_setting
from tests.support.waiting import wait_for

ADMIN = "/api/v1/admin/referrals"


@pytest.fixture
def market(app, auth):
    return Market(app, auth.a)


def _rewarded(app, org_id, referral_id):
    return referral(app, org_id, referral_id)["status"] == "rewarded"


def test_the_first_completed_booking_qualifies_and_the_worker_rewards_once(app, client, auth, market, worker):
    referral_id = refer(app, auth.a)
    market.booking("cancelled")
    market.booking("in_progress")
    assert referral(app, auth.a.org_id, referral_id)["status"] == "signed_up"  # no completed booking yet

    first = market.booking("completed")
    wait_for(lambda: _rewarded(app, auth.a.org_id, referral_id))
    found = referral(app, auth.a.org_id, referral_id)
    assert found["qualifying_booking_id"] == first and found["reward_status"] == "issued"
    assert credits(app, auth.a.org_id) == [(auth.a.user_ids["dispatcher"], Decimal("10.00"), referral_id)]

    market.booking("completed")  # a second completed booking changes nothing
    listed = client.get(ADMIN, headers=auth.a.headers("support")).get_json()["data"]
    assert [(r["status"], r["reward"]["amount"], r["reward"]["status"]) for r in listed] == [
        ("rewarded", 10.0, "issued")]
    assert listed[0]["reward"]["issued_at"] and listed[0]["qualified_at"]
    assert credits(app, auth.a.org_id) == [(auth.a.user_ids["dispatcher"], Decimal("10.00"), referral_id)]

    stats = client.get(f"{ADMIN}/stats", headers=auth.a.headers("support")).get_json()["data"]
    assert stats["total"] == 1 and stats["by_status"]["rewarded"] == 1
    assert stats["rewards_issued"] == {"count": 1, "amount": 10.0, "currency": "USD"}


def test_the_reward_is_the_organizations_setting(app, auth, market, worker):
    set_setting(app, auth.a.org_id, referral_reward="25.50")
    referral_id = refer(app, auth.a)
    market.booking("completed")
    wait_for(lambda: _rewarded(app, auth.a.org_id, referral_id))
    assert credits(app, auth.a.org_id) == [(auth.a.user_ids["dispatcher"], Decimal("25.50"), referral_id)]


def test_a_booking_completed_twice_at_once_rewards_once(app, auth, market, worker):
    referral_id = refer(app, auth.a)
    booking_id = market.booking("in_progress")
    outcomes = move_at_once(app, auth.a.org_id, [(booking_id, "completed"), (booking_id, "completed")],
                            auth.a.user_ids["admin"])
    assert outcomes.count("ok") == 1, outcomes  # the other lost the race: a stale version, or a final booking
    wait_for(lambda: _rewarded(app, auth.a.org_id, referral_id))
    assert len(credits(app, auth.a.org_id)) == 1


def test_two_first_bookings_completed_at_once_qualify_once(app, auth, market, worker):
    referral_id = refer(app, auth.a)
    one, two = market.booking("in_progress"), market.booking("in_progress")
    outcomes = move_at_once(app, auth.a.org_id, [(one, "completed"), (two, "completed")], auth.a.user_ids["admin"])
    assert outcomes == ["ok", "ok"]
    wait_for(lambda: _rewarded(app, auth.a.org_id, referral_id))
    assert referral(app, auth.a.org_id, referral_id)["qualifying_booking_id"] in (one, two)
    assert len(credits(app, auth.a.org_id)) == 1


def test_a_redelivered_reward_task_issues_no_second_credit(app, auth, market, worker):
    referral_id = refer(app, auth.a)
    market.booking("completed")
    wait_for(lambda: _rewarded(app, auth.a.org_id, referral_id))  # the first delivery, by the worker
    with app.app_context():
        again = [issue_referral_reward(auth.a.org_id, referral_id) for _ in range(2)]  # delivered again
    assert [run["credit_id"] for run in again] == [None, None]
    assert count_credits(app) == 1
    assert referral(app, auth.a.org_id, referral_id)["reward_status"] == "issued"


def test_a_booking_of_someone_not_referred_qualifies_nothing(app, auth, market):
    referral_id = refer(app, auth.a, referred_role="technician")
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        booking = db.session.get(Booking, market.booking("in_progress"))
        bookings.move(booking, "completed", actor_id=auth.a.user_ids["admin"])
        db.session.commit()
    assert referral(app, auth.a.org_id, referral_id)["status"] == "signed_up"
    assert count_credits(app) == 0

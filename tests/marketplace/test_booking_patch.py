"""PATCH /admin/bookings/{id}: every move of the workflow, and the combinations of one request, all
applied in one transaction or none."""
import pytest

from models.marketplace.booking import WORKFLOW
from tests.support.marketplace import PATH_TO, Market
from tests.support.marketplace_bookings import Counter, later
from tests.support.marketplace_payments import Cashier


@pytest.fixture
def market(app, auth):
    return Market(app, auth.a)


@pytest.fixture
def counter(client, auth, market):
    return Counter(client, auth.a, market)


@pytest.mark.parametrize("start", list(PATH_TO))
def test_each_status_moves_only_where_the_workflow_allows(counter, market, start):
    for target in WORKFLOW.statuses:
        booking = market.booking(start)
        answer = counter.patch(booking, {"status": target, "reason": "because"})
        if target in WORKFLOW.moves[start]:
            assert answer.status_code == 200, (start, target, answer.get_json())
            detail = answer.get_json()["data"]
            assert detail["status"] == target
            assert (detail["history"][-1]["from_status"], detail["history"][-1]["to_status"]) == (start, target)
        else:
            assert answer.status_code == 409, (start, target)
            error = answer.get_json()["error"]
            assert error["code"] == "INVALID_TRANSITION"
            assert error["details"]["allowed"] == list(WORKFLOW.moves[start])


def test_a_cancellation_needs_a_reason_and_a_refund_needs_a_cancellation(counter, market):
    booking = market.booking("confirmed", paid=True)
    no_reason = counter.patch(booking, {"status": "cancelled"})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["details"]
    refund_alone = counter.patch(booking, {"refund": {"amount": 10}})
    assert refund_alone.status_code == 422 and "refund" in refund_alone.get_json()["error"]["details"]
    with_move = counter.patch(booking, {"status": "in_progress", "refund": {}})
    assert with_move.status_code == 422
    assert counter.patch(booking, {}).status_code == 422
    assert counter.detail(booking)["status"] == "confirmed"


def test_cancel_with_refund_is_approved_at_once_for_an_approver_and_requested_for_support(counter, market):
    by_admin = counter.patch(market.booking("confirmed", paid=True),
                             {"status": "cancelled", "reason": "Vendor unavailable", "refund": {"amount": 50}})
    assert by_admin.status_code == 200, by_admin.get_json()
    refund = by_admin.get_json()["data"]["refunds"][0]
    assert (refund["status"], refund["amount"], refund["reason"]) == ("approved", 50.0, "Vendor unavailable")
    assert refund["job_id"]
    by_support = counter.patch(market.booking("confirmed", paid=True),
                               {"status": "cancelled", "reason": "Duplicate", "refund": {"reason": "dup"}},
                               role="support")
    assert by_support.status_code == 200, by_support.get_json()
    refund = by_support.get_json()["data"]["refunds"][0]
    assert (refund["status"], refund["amount"], refund["job_id"]) == ("requested", 120.0, None)


def test_too_large_a_refund_refuses_the_whole_change(counter, market):
    booking = market.booking("confirmed", paid=True)
    answer = counter.patch(booking, {"status": "cancelled", "reason": "x", "refund": {"amount": 500},
                                     "note": "should not stay"})
    assert answer.status_code == 422 and "amount" in answer.get_json()["error"]["details"]
    detail = counter.detail(booking)
    assert (detail["status"], detail["notes"], detail["refunds"]) == ("confirmed", [], [])
    unpaid = market.booking("confirmed")
    assert counter.patch(unpaid, {"status": "cancelled", "reason": "x", "refund": {}}).status_code == 422
    assert counter.detail(unpaid)["status"] == "confirmed"


def test_notes_reschedules_and_versions(auth, counter, market):
    booking = market.booking("pending")
    first = counter.detail(booking)
    noted = counter.patch(booking, {"note": "Called the consumer", "version": first["version"]})
    assert noted.status_code == 200, noted.get_json()
    detail = noted.get_json()["data"]
    assert [(n["body"], n["author"]["id"]) for n in detail["notes"]] == [("Called the consumer",
                                                                          auth.a.user_ids["admin"])]
    assert detail["version"] > first["version"]
    stale = counter.patch(booking, {"note": "again", "version": first["version"]})
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "VERSION_CONFLICT"
    when = later(10)
    moved = counter.patch(booking, {"scheduled_at": when, "status": "confirmed"})
    assert moved.status_code == 200 and moved.get_json()["data"]["scheduled_at"] == when
    done = market.booking("completed")
    assert counter.patch(done, {"scheduled_at": when}).status_code == 409
    assert counter.patch(booking, {"scheduled_at": "2020-01-01T00:00:00Z"}).status_code == 422
    assert counter.patch(booking, {"reason": "alone"}).status_code == 422


def test_changes_are_audited_and_need_bookings_manage(client, auth, counter, market):
    booking = market.booking("pending")
    assert counter.patch(booking, {"status": "confirmed"}, role="dispatcher").status_code == 403
    assert counter.patch(booking, {"status": "confirmed"}, role="customer").status_code == 403
    assert counter.patch(booking, {"status": "confirmed"}, role="support").status_code == 200
    log = client.get(f"/api/v1/admin/audit-log?entity_type=booking&entity_id={booking}",
                     headers=auth.a.headers("admin")).get_json()["data"]
    assert any((entry["before"] or {}).get("status") == "pending" and (entry["after"] or {}).get("status") ==
               "confirmed" and entry["actor_id"] == auth.a.user_ids["support"] for entry in log), log


def test_an_approvers_refund_is_executed_by_the_refund_job(client, auth, counter, market, worker):
    booking = market.booking("confirmed", paid=True)
    answer = counter.patch(booking, {"status": "cancelled", "reason": "Vendor unavailable", "refund": {}})
    assert answer.status_code == 200, answer.get_json()
    [refund] = answer.get_json()["data"]["refunds"]
    assert (refund["status"], refund["amount"], refund["approved_by"]["id"]) == (
        "approved", 120.0, auth.a.user_ids["admin"])
    cashier = Cashier(client, auth.a)
    assert cashier.settled(refund["id"])["status"] == "succeeded"
    assert cashier.job(refund["job_id"])["status"] == "succeeded"
    detail = counter.detail(booking)
    assert (detail["payment_status"], detail["payment"]["refunded_amount"]) == ("refunded", 120.0)


def test_the_refund_defaults_to_what_is_still_refundable(client, auth, counter, market):
    booking = market.booking("confirmed", paid=True)
    assert Cashier(client, auth.a).requested(booking, amount=30)["status"] == "requested"
    answer = counter.patch(booking, {"status": "cancelled", "reason": "Rain", "refund": {}}, role="support")
    assert answer.status_code == 200, answer.get_json()
    assert [(r["amount"], r["status"]) for r in answer.get_json()["data"]["refunds"]] == [
        (30.0, "requested"), (90.0, "requested")]
    other = market.booking("confirmed", paid=True)
    assert Cashier(client, auth.a).requested(other, amount=30)["status"] == "requested"
    over = counter.patch(other, {"status": "cancelled", "reason": "Rain", "refund": {"amount": 100}})
    assert over.status_code == 422 and "amount" in over.get_json()["error"]["details"]


def test_a_refused_part_leaves_the_other_parts_undone(counter, market):
    booking = market.booking("pending")
    before = counter.detail(booking)
    refused = counter.patch(booking, {"scheduled_at": later(12), "note": "moved", "status": "completed",
                                      "version": before["version"]})
    assert refused.status_code == 409 and refused.get_json()["error"]["details"]["allowed"] == [
        "confirmed", "cancelled"]
    after = counter.detail(booking)
    assert (after["scheduled_at"], after["notes"], after["status"], after["version"]) == (
        before["scheduled_at"], [], "pending", before["version"])
    for body in ({"note": "a\u0000b"}, {"refund": {"amount": 1, "extra": 1}, "status": "cancelled", "reason": "x"},
                 {"status": "lost"}, {"version": 0}, {"scheduled_at": "soon"}, {"unknown": 1}):
        assert counter.patch(booking, body).status_code == 422, body

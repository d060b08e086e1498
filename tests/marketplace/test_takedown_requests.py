"""Vendors file takedown requests of their own reviews; moderators take them on and resolve them;
vendors withdraw open ones. Notifications and the takedown.created event follow."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.support.exports import csv_rows, exported
from tests.support.marketplace import Market
from tests.support.marketplace_reviews import Reviews
from tests.support.sockets import Listener
from tests.support.waiting import wait_for

QUEUE = "/api/v1/admin/reviews/takedown-requests"


@pytest.fixture
def market(app, auth):
    return Market(app, auth.a)


@pytest.fixture
def reviews(client, auth, market):
    return Reviews(client, auth.a, market)


def _post(client, auth, path, body=None, role="support"):
    return client.post(f"{QUEUE}/{path}", headers=auth.a.headers(role), json=body)


def test_a_vendor_files_a_request_for_its_own_review(client, auth, reviews):
    review = reviews.review(1, title="Awful")
    answer = reviews.takedown(review["id"], "defamatory", description="They accuse us of theft")
    assert answer.status_code == 201, answer.get_json()
    filed = answer.get_json()["data"]
    assert filed["status"] == "pending" and filed["priority"] == "high" and filed["evidence"] == []
    assert filed["review"]["id"] == review["id"] and filed["review"]["title"] == "Awful"
    assert filed["vendor"]["id"] == reviews.market.vendor_id and filed["resolution"] is None
    assert filed["requested_by"]["id"] == auth.a.user_ids["vendor"] and filed["assigned_to"] is None
    assert reviews.takedown(review["id"], "spam").status_code == 409  # one open request per review
    mine = client.get("/api/v1/vendor/takedown-requests", headers=auth.a.headers("vendor")).get_json()["data"]
    assert [row["id"] for row in mine] == [filed["id"]]
    listed = client.get("/api/v1/vendor/reviews", headers=auth.a.headers("vendor")).get_json()["data"]
    assert [(row["id"], row["open_takedown_requests"]) for row in listed] == [(review["id"], 1)]


def test_another_vendors_review_is_not_found(app, client, auth, reviews):
    other = Market(app, auth.b)
    elsewhere = Reviews(client, auth.b, other).review()
    assert reviews.takedown(elsewhere["id"]).status_code == 404  # another organization's
    assert reviews.takedown(reviews.review()["id"], role="customer").status_code == 403
    theirs = client.get("/api/v1/vendor/reviews", headers=auth.b.headers("vendor")).get_json()["data"]
    assert [row["id"] for row in theirs] == [elsewhere["id"]]
    mine = client.get("/api/v1/vendor/reviews", headers=auth.a.headers("vendor")).get_json()["data"]
    assert elsewhere["id"] not in [row["id"] for row in mine]


def test_a_review_of_another_vendor_of_the_organization_is_not_found(app, client, auth, reviews):
    from models.core import context
    from models.core.db import db
    from models.vendors.vendor import Vendor
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        rival = Vendor(name="Rival", email="rival@alpha.test", status="active")
        db.session.add(rival)
        db.session.commit()
        rival_id = rival.id
    own = reviews.review()
    from models.marketplace.review import Review
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        db.session.get(Review, own["id"]).vendor_id = rival_id
        db.session.commit()
    assert reviews.takedown(own["id"]).status_code == 404
    assert client.get("/api/v1/vendor/reviews", headers=auth.a.headers("vendor")).get_json()["data"] == []


def test_bad_bodies_are_refused(client, auth, reviews):
    review = reviews.review()
    url = f"/api/v1/vendor/reviews/{review['id']}/takedown-requests"
    for body in ({}, {"reason_category": "rude"}, {"reason_category": "spam", "extra": 1},
                 {"reason_category": "spam", "description": "a\x00b"}, [1]):
        assert client.post(url, headers=auth.a.headers("vendor"), json=body).status_code == 422, body
    assert client.post(url, headers=auth.a.headers("vendor"), data="reason_category=spam",
                       content_type="text/plain").status_code == 415


def test_start_review_assigns_the_caller_and_only_from_pending(client, auth, reviews):
    filed = reviews.filed()
    answer = _post(client, auth, f"{filed['id']}/start-review")
    assert answer.status_code == 200
    assert answer.get_json()["data"]["status"] == "under_review"
    assert answer.get_json()["data"]["assigned_to"]["id"] == auth.a.user_ids["support"]
    again = _post(client, auth, f"{filed['id']}/start-review")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "INVALID_TRANSITION"
    assert _post(client, auth, f"{filed['id']}/start-review", role="vendor").status_code == 403
    assert client.post(f"{QUEUE}/{filed['id']}/start-review", headers=auth.b.headers("admin")).status_code == 404


def test_accepting_hides_the_review_and_tells_the_vendor_and_the_author(client, auth, reviews):
    review = reviews.review(2)
    filed = reviews.filed(review["id"], "personal_info")
    _post(client, auth, f"{filed['id']}/start-review")
    assert _post(client, auth, f"{filed['id']}/resolve", {"decision": "accept"}).status_code == 422  # no reason
    answer = _post(client, auth, f"{filed['id']}/resolve", {"decision": "accept", "reason": "Shows a home address"})
    assert answer.status_code == 200, answer.get_json()
    resolved = answer.get_json()["data"]
    assert resolved["status"] == "accepted" and resolved["review"]["status"] == "hidden"
    assert resolved["resolution"]["decision"] == "accept" and resolved["resolution"]["action"] == "hide"
    assert resolved["resolution"]["resolved_by"]["id"] == auth.a.user_ids["support"]
    detail = client.get(f"/api/v1/admin/reviews/{review['id']}", headers=auth.a.headers("support")).get_json()["data"]
    assert detail["moderation"][-1]["takedown_request_id"] == filed["id"] and detail["open_takedown_requests"] == 0
    assert reviews.vendor_rating() == (None, 0)
    vendor_told = client.get("/api/v1/notifications", headers=auth.a.headers("vendor")).get_json()["data"]
    resolution = [n for n in vendor_told if n["kind"] == "marketplace.takedown_resolved"]
    assert len(resolution) == 1 and "Shows a home address" in resolution[0]["body"]
    assert "accepted" in resolution[0]["title"]
    author_told = client.get("/api/v1/notifications", headers=auth.a.headers("customer")).get_json()["data"]
    assert [n["kind"] for n in author_told].count("marketplace.review_moderated") == 1
    assert _post(client, auth, f"{filed['id']}/resolve", {"decision": "reject", "reason": "x"}).status_code == 409


def test_accepting_with_remove_and_rejecting(client, auth, reviews):
    review = reviews.review()
    removed = reviews.filed(review["id"], "spam")
    answer = _post(client, auth, f"{removed['id']}/resolve", {"decision": "accept", "reason": "Spam", "action": "remove"})
    assert answer.get_json()["data"]["review"]["status"] == "removed"
    kept = reviews.review()
    rejected = reviews.filed(kept["id"], "fake")
    answer = _post(client, auth, f"{rejected['id']}/resolve", {"decision": "reject", "reason": "A real customer"})
    assert answer.status_code == 200
    data = answer.get_json()["data"]
    assert data["status"] == "rejected" and data["resolution"]["action"] == "none" and data["review"]["status"] == "published"
    told = client.get("/api/v1/notifications", headers=auth.a.headers("vendor")).get_json()["data"]
    assert any("A real customer" in n["body"] for n in told if n["kind"] == "marketplace.takedown_resolved")
    assert _post(client, auth, f"{rejected['id']}/resolve", {"decision": "maybe", "reason": "x"}).status_code == 422


def test_withdrawing_only_while_open(client, auth, reviews):
    filed = reviews.filed()
    answer = client.post(f"/api/v1/vendor/takedown-requests/{filed['id']}/withdraw", headers=auth.a.headers("vendor"))
    assert answer.status_code == 200 and answer.get_json()["data"]["status"] == "withdrawn"
    again = client.post(f"/api/v1/vendor/takedown-requests/{filed['id']}/withdraw", headers=auth.a.headers("vendor"))
    assert again.status_code == 409
    assert _post(client, auth, f"{filed['id']}/resolve", {"decision": "accept", "reason": "x"}).status_code == 409
    assert reviews.takedown(filed["review"]["id"], "spam").status_code == 201  # no open request any more
    assert client.post(f"/api/v1/vendor/takedown-requests/{filed['id']}/withdraw",
                       headers=auth.b.headers("vendor")).status_code == 404


def test_takedown_created_reaches_a_bookings_manager(live_server, auth, reviews):
    console = Listener(live_server, auth.a.tokens["support"], "/", events=("takedown.created", "takedown.resolved"))
    outsider = Listener(live_server, auth.b.tokens["support"], "/", events=("takedown.created",))
    try:
        filed = reviews.filed(reason_category="personal_info")
        events = wait_for(lambda: console.payloads("takedown.created"))
        assert events[0]["request_id"] == filed["id"] and events[0]["priority"] == "urgent"
        assert events[0]["status"] == "pending" and events[0]["vendor_id"] == reviews.market.vendor_id
        resolved = reviews.client.post(f"{QUEUE}/{filed['id']}/resolve", headers=auth.a.headers("support"),
                                       json={"decision": "reject", "reason": "Not personal"})
        assert resolved.status_code == 200
        done = wait_for(lambda: console.payloads("takedown.resolved"))
        assert done[0]["request_id"] == filed["id"] and done[0]["status"] == "rejected"
        assert outsider.payloads("takedown.created") == []  # another organization's staff
    finally:
        console.close()
        outsider.close()


def test_reviews_and_takedown_requests_export(client, auth, reviews, worker):
    review = reviews.review(3, title="Export me")
    filed = reviews.filed(review["id"], "spam")
    _, text, _ = exported(client, auth.a, "reviews", status=["published"])
    rows = csv_rows(text)
    assert [(int(r["id"]), r["title"], r["rating"], r["status"]) for r in rows] == [(review["id"], "Export me", "3",
                                                                                      "published")]
    _, text, _ = exported(client, auth.a, "takedown_requests")
    rows = csv_rows(text)
    assert [(int(r["id"]), r["reason_category"], r["priority"], r["status"]) for r in rows] == [
        (filed["id"], "spam", "medium", "pending")]


def test_two_requests_at_once_for_one_review_open_one(live_server, auth, reviews):
    review = reviews.review()
    url = f"{live_server}/api/v1/vendor/reviews/{review['id']}/takedown-requests"
    start = threading.Barrier(4)

    def file_one(_):
        start.wait()
        return requests.post(url, headers=auth.a.headers("vendor"), json={"reason_category": "spam"}, timeout=30)

    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(answer.status_code for answer in pool.map(file_one, range(4)))
    assert statuses == [201, 409, 409, 409]

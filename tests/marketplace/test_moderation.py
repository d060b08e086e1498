"""Moderators hide, remove and restore reviews as the moves allow, with a trail, an audit row and
the author told; the moderation list filters and searches."""
import pytest

from tests.support.marketplace import Market
from tests.support.marketplace_reviews import Reviews

ALLOWED = {("published", "hide"): "hidden", ("published", "remove"): "removed", ("hidden", "restore"): "published",
           ("hidden", "remove"): "removed", ("removed", "restore"): "published"}
REFUSED = {("published", "restore"): ["hide", "remove"], ("hidden", "hide"): ["restore", "remove"],
           ("removed", "hide"): ["restore"], ("removed", "remove"): ["restore"]}
INTO = {"published": (), "hidden": ("hide",), "removed": ("remove",)}


@pytest.fixture
def market(app, auth):
    return Market(app, auth.a)


@pytest.fixture
def reviews(client, auth, market):
    return Reviews(client, auth.a, market)


@pytest.mark.parametrize(("start", "action"), list(ALLOWED))
def test_every_allowed_move(client, auth, reviews, start, action):
    review = reviews.review()
    for step in INTO[start]:
        assert reviews.moderate(review["id"], step).status_code == 200
    answer = reviews.moderate(review["id"], action, reason="Contains a phone number")
    assert answer.status_code == 200, answer.get_json()
    moved = answer.get_json()["data"]
    assert moved["status"] == ALLOWED[(start, action)]
    last = moved["moderation"][-1]
    assert last["action"] == action and last["reason"] == "Contains a phone number"
    assert last["actor"]["id"] == auth.a.user_ids["support"] and last["takedown_request_id"] is None
    audit = client.get("/api/v1/admin/audit-log", headers=auth.a.headers("admin"),
                       query_string={"entity_type": "review", "entity_id": review["id"]})
    assert audit.status_code == 200, audit.get_json()
    changes = [row for row in audit.get_json()["data"] if row["action"] == "update"]
    assert changes and any("status" in str(row) for row in changes)


@pytest.mark.parametrize(("start", "action"), list(REFUSED))
def test_every_refused_move_is_an_invalid_transition(reviews, start, action):
    review = reviews.review()
    for step in INTO[start]:
        reviews.moderate(review["id"], step)
    answer = reviews.moderate(review["id"], action)
    assert answer.status_code == 409
    error = answer.get_json()["error"]
    assert error["code"] == "INVALID_TRANSITION" and sorted(error["details"]["allowed"]) == sorted(REFUSED[(start, action)])


def test_a_reason_is_required(client, auth, reviews):
    review = reviews.review()
    for body in ({}, {"reason": ""}, {"reason": "a\x00b"}):
        answer = client.post(f"/api/v1/admin/reviews/{review['id']}/hide", headers=auth.a.headers("support"), json=body)
        assert answer.status_code == 422


def test_only_moderators_moderate_and_other_organizations_are_not_found(app, client, auth, reviews):
    review = reviews.review()
    for role in ("customer", "vendor", "dispatcher"):
        assert reviews.moderate(review["id"], "hide", role=role).status_code == 403
        assert client.get(f"/api/v1/admin/reviews/{review['id']}", headers=auth.a.headers(role)).status_code == 403
    assert client.get(f"/api/v1/admin/reviews/{review['id']}", headers=auth.b.headers("admin")).status_code == 404
    assert client.post(f"/api/v1/admin/reviews/{review['id']}/hide", headers=auth.b.headers("admin"),
                       json={"reason": "x"}).status_code == 404


def test_the_author_is_notified_when_their_review_is_hidden(client, auth, reviews):
    review = reviews.review(title="Rude words")
    reviews.moderate(review["id"], "hide", reason="Insults staff")
    mine = client.get("/api/v1/notifications", headers=auth.a.headers("customer")).get_json()["data"]
    told = [n for n in mine if n["kind"] == "marketplace.review_moderated"]
    assert len(told) == 1 and "Insults staff" in told[0]["body"]
    reviews.moderate(review["id"], "restore")
    mine = client.get("/api/v1/notifications", headers=auth.a.headers("customer")).get_json()["data"]
    assert len([n for n in mine if n["kind"] == "marketplace.review_moderated"]) == 1  # not for a restore


def test_the_list_filters_and_searches(client, auth, reviews):
    low = reviews.review(1, title="Late and messy", body="They never came back")
    mid = reviews.review(3, title="Fine", body="ok")
    high = reviews.review(5, title="Great", body="Spotless kitchen")
    reviews.moderate(mid["id"], "hide")
    reviews.filed(low["id"], "fake")

    def ids(**query):
        answer = client.get("/api/v1/admin/reviews", headers=auth.a.headers("support"), query_string=query)
        assert answer.status_code == 200, answer.get_json()
        return [row["id"] for row in answer.get_json()["data"]]

    assert ids() == [high["id"], mid["id"], low["id"]]
    assert ids(status="hidden") == [mid["id"]]
    assert ids(rating=5) == [high["id"]]
    assert ids(min_rating=2, max_rating=4) == [mid["id"]]
    assert ids(has_open_takedown="true") == [low["id"]]
    assert ids(has_open_takedown="false") == [high["id"], mid["id"]]
    assert ids(q="kitchen") == [high["id"]] and ids(q="MESSY") == [low["id"]]
    assert ids(vendor_id=reviews.market.vendor_id, per_page=1) == [high["id"]]
    detail = client.get(f"/api/v1/admin/reviews/{low['id']}", headers=auth.a.headers("support")).get_json()["data"]
    assert detail["open_takedown_requests"] == 1 and detail["moderation"] == []
    assert client.get("/api/v1/admin/reviews", headers=auth.a.headers("support"),
                      query_string={"rating": "x"}).status_code == 422

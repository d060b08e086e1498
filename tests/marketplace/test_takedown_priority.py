"""A takedown request's priority: from its reason and evidence, a level higher after 72 h pending,
and the queue ordered by the shown level in SQL (pagination agrees)."""
import pytest

from tests.support.marketplace import Market
from tests.support.marketplace_reviews import Reviews, back_date, png_bytes


@pytest.fixture
def market(app, auth):
    return Market(app, auth.a)


@pytest.fixture
def reviews(client, auth, market):
    return Reviews(client, auth.a, market)


@pytest.mark.parametrize(("category", "priority"), [
    ("personal_info", "urgent"), ("defamatory", "high"), ("fake", "medium"), ("spam", "medium"),
    ("conflict_of_interest", "medium"), ("off_topic", "low"), ("other", "low")])
def test_the_priority_a_request_is_filed_with(reviews, category, priority):
    assert reviews.filed(reason_category=category)["priority"] == priority


def test_fake_with_evidence_is_high(reviews):
    assert reviews.filed(reason_category="fake", files=[("proof.png", png_bytes())])["priority"] == "high"
    assert reviews.filed(reason_category="fake")["priority"] == "medium"


def _shown(client, auth, request_id):
    return client.get(f"/api/v1/admin/reviews/takedown-requests/{request_id}",
                      headers=auth.a.headers("support")).get_json()["data"]["priority"]


@pytest.mark.parametrize(("category", "aged"), [("other", "medium"), ("spam", "high"), ("defamatory", "urgent"),
                                                ("personal_info", "urgent")])
def test_a_level_higher_after_72_hours_pending(app, client, auth, reviews, category, aged):
    filed = reviews.filed(reason_category=category)
    back_date(app, filed["id"], 71.5)
    assert _shown(client, auth, filed["id"]) == filed["priority"]
    back_date(app, filed["id"], 72.5)
    assert _shown(client, auth, filed["id"]) == aged


def test_only_pending_requests_age(app, client, auth, reviews):
    filed = reviews.filed(reason_category="other")
    client.post(f"/api/v1/admin/reviews/takedown-requests/{filed['id']}/start-review", headers=auth.a.headers("support"))
    back_date(app, filed["id"], 100)
    assert _shown(client, auth, filed["id"]) == "low"


def test_the_queue_is_ordered_by_shown_priority_then_oldest(app, client, auth, reviews):
    old_low = reviews.filed(reason_category="other")  # aged: medium
    urgent = reviews.filed(reason_category="personal_info")
    low = reviews.filed(reason_category="off_topic")
    high = reviews.filed(reason_category="defamatory")
    old_medium = reviews.filed(reason_category="spam")  # aged: high, older than `high`
    medium = reviews.filed(reason_category="fake")
    back_date(app, old_low["id"], 80)
    back_date(app, old_medium["id"], 90)
    expected = [urgent, old_medium, high, old_low, medium, low]

    pages = []
    for page in (1, 2, 3):
        answer = client.get("/api/v1/admin/reviews/takedown-requests", headers=auth.a.headers("support"),
                            query_string={"per_page": 2, "page": page})
        assert answer.status_code == 200, answer.get_json()
        pages += [(row["id"], row["priority"]) for row in answer.get_json()["data"]]
    assert [rid for rid, _ in pages] == [row["id"] for row in expected]
    assert [p for _, p in pages] == ["urgent", "high", "high", "medium", "medium", "low"]

    def ids(**query):
        answer = client.get("/api/v1/admin/reviews/takedown-requests", headers=auth.a.headers("support"),
                            query_string=query)
        assert answer.status_code == 200, answer.get_json()
        return [row["id"] for row in answer.get_json()["data"]]

    assert ids(priority="high") == [old_medium["id"], high["id"]]  # the shown level
    assert ids(priority="medium,low") == [old_low["id"], medium["id"], low["id"]]
    assert ids(reason_category="fake") == [medium["id"]]
    assert ids(status="pending", vendor_id=reviews.market.vendor_id) == [row["id"] for row in expected]
    assert ids(status="accepted") == []
    assert client.get("/api/v1/admin/reviews/takedown-requests", headers=auth.a.headers("support"),
                      query_string={"priority": "extreme"}).status_code == 422

"""A consumer reviews a completed booking once; the vendor's rating follows published reviews."""
import pytest

from tests.support.marketplace import Market
from tests.support.marketplace_reviews import Reviews


@pytest.fixture
def market(app, auth):
    return Market(app, auth.a)


@pytest.fixture
def reviews(client, auth, market):
    return Reviews(client, auth.a, market)


def test_a_completed_booking_is_reviewed_once_and_published(client, auth, reviews, market):
    booking_id = market.booking("completed")
    review = reviews.review(5, booking_id=booking_id, title="Spotless")
    assert review["status"] == "published" and review["rating"] == 5 and review["title"] == "Spotless"
    assert review["vendor"]["id"] == market.vendor_id and review["author"]["id"] == auth.a.user_ids["customer"]
    again = client.post(f"/api/v1/bookings/{booking_id}/review", headers=auth.a.headers("customer"),
                        json={"rating": 1, "title": "Again", "body": "x"})
    assert again.status_code == 409


@pytest.mark.parametrize("status", ["pending", "confirmed", "in_progress", "cancelled"])
def test_a_booking_not_completed_cannot_be_reviewed(client, auth, market, status):
    answer = client.post(f"/api/v1/bookings/{market.booking(status)}/review", headers=auth.a.headers("customer"),
                         json={"rating": 4, "title": "Early", "body": "x"})
    assert answer.status_code == 409


def test_someone_elses_booking_is_not_found(app, client, auth, market):
    other = market.booking("completed", consumer_id=auth.a.user_ids["owner"])
    answer = client.post(f"/api/v1/bookings/{other}/review", headers=auth.a.headers("customer"),
                         json={"rating": 4, "title": "Not mine", "body": "x"})
    assert answer.status_code == 404
    elsewhere = Market(app, auth.b).booking("completed")
    assert client.post(f"/api/v1/bookings/{elsewhere}/review", headers=auth.a.headers("customer"),
                       json={"rating": 4}).status_code == 404


@pytest.mark.parametrize("rating", [0, 6, -1, "5", None, 4.5])
def test_a_rating_out_of_range_is_refused(client, auth, market, rating):
    answer = client.post(f"/api/v1/bookings/{market.booking('completed')}/review",
                         headers=auth.a.headers("customer"), json={"rating": rating, "title": "x"})
    assert answer.status_code == 422
    assert "rating" in answer.get_json()["error"]["details"]


def test_staff_cannot_post_a_consumers_review(client, auth, market):
    answer = client.post(f"/api/v1/bookings/{market.booking('completed')}/review", headers=auth.a.headers("vendor"),
                         json={"rating": 5})
    assert answer.status_code == 403


def test_the_vendor_rating_is_the_mean_of_published_reviews(reviews):
    assert reviews.vendor_rating() == (None, 0)
    first = reviews.review(5)
    second = reviews.review(4)
    assert reviews.vendor_rating() == (4.5, 2)
    third = reviews.review(4)
    assert reviews.vendor_rating() == (4.3, 3)  # 13 / 3 = 4.33
    assert reviews.moderate(third["id"], "hide").status_code == 200
    assert reviews.vendor_rating() == (4.5, 2)  # hidden reviews do not count
    assert reviews.moderate(second["id"], "remove").status_code == 200
    assert reviews.vendor_rating() == (5.0, 1)
    assert reviews.moderate(first["id"], "hide").status_code == 200
    assert reviews.vendor_rating() == (None, 0)
    assert reviews.moderate(third["id"], "restore").status_code == 200
    assert reviews.vendor_rating() == (4.0, 1)  # restored reviews count again


def test_a_half_rounds_up(reviews):
    for rating in (5, 5, 4, 4, 4, 4, 4, 4):  # 34 / 8 = 4.25
        reviews.review(rating)
    assert reviews.vendor_rating() == (4.3, 8)

"""Issue, order and payment numbers under concurrent creation through the API: 50 requests at
once give 0001…0050, none twice, none skipped."""
import threading

import pytest

from models.core.db import utcnow
from tests.support.crm import Desk

BODIES = {
    "issues": ("issue_number", "ISS", lambda desk: {"title": "Late crew", "vendor": desk.vendor()["id"]}),
    "orders": ("order_number", "ORD", lambda desk: {"title": "Parts", "items": [
        {"item_name": "Filter", "quantity": 1, "unit_price": 9.99}]}),
    "payments": ("payment_number", "PAY", lambda desk: {"amount": 25, "payment_type": "incoming",
                                                       "payment_method": "card"}),
}


@pytest.mark.parametrize("resource", sorted(BODIES))
def test_fifty_parallel_creates_get_fifty_consecutive_numbers(app, client, auth, db, resource):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one transaction write at a time: creations queue on its lock, no race to test")
    field, prefix, body_of = BODIES[resource]
    desk = Desk(client, auth.a)
    body, headers = body_of(desk), desk.headers
    start, answers = threading.Barrier(50), []

    def create():
        with app.test_client() as own:  # a client (and a session) per thread, as 50 browsers would be
            start.wait(timeout=30)
            answers.append(own.post(f"/api/{resource}/", headers=headers, json=body))

    threads = [threading.Thread(target=create) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(r.status_code for r in answers) == [201] * 50, [r.get_json() for r in answers if r.status_code != 201]
    year = utcnow().year  # the organization's time zone is UTC
    assert sorted(r.get_json()["data"][field] for r in answers) == [f"{prefix}-{year}-{n:04d}" for n in range(1, 51)]
    listed = desk.get(f"/api/{resource}/?page_size=100").get_json()
    assert listed["meta"]["total"] == 50

"""`booking.updated` reaches the staff who manage bookings, and no one else; the bookings export
carries the admin list's rows."""
import pytest

from tests.support.exports import csv_rows, exported
from tests.support.marketplace import Market
from tests.support.marketplace_bookings import Counter
from tests.support.sockets import Listener
from tests.support.waiting import wait_for


@pytest.fixture
def counter(client, app, auth):
    return Counter(client, auth.a, Market(app, auth.a))


def test_booking_updated_reaches_bookings_managers_only(live_server, auth, counter):
    support = Listener(live_server, auth.a.tokens["support"], "/", events=("booking.updated",))
    dispatcher = Listener(live_server, auth.a.tokens["dispatcher"], "/", events=("booking.updated",))
    outsider = Listener(live_server, auth.b.tokens["admin"], "/", events=("booking.updated",))
    try:
        booking = counter.book()
        created = wait_for(lambda: support.payloads("booking.updated"))
        assert (created[0]["booking_id"], created[0]["old_status"], created[0]["new_status"]) == (
            booking["id"], None, "pending")
        assert counter.patch(booking["id"], {"status": "confirmed"}, role="support").status_code == 200
        moved = wait_for(lambda: support.payloads("booking.updated")[1:])
        assert moved[0] == {"booking_id": booking["id"], "booking_number": booking["booking_number"],
                            "old_status": "pending", "new_status": "confirmed",
                            "updated_by": auth.a.user_ids["support"], "timestamp": moved[0]["timestamp"],
                            "event_id": moved[0]["event_id"]}
        assert moved[0]["timestamp"].endswith("Z")
        assert dispatcher.payloads("booking.updated") == [] and outsider.payloads("booking.updated") == []
    finally:
        support.close()
        dispatcher.close()
        outsider.close()


def test_the_bookings_export_takes_the_lists_filters(client, auth, counter, worker):
    first = counter.book()
    second = counter.book()
    assert counter.patch(second["id"], {"status": "confirmed"}).status_code == 200
    _, text, _ = exported(client, auth.a, "bookings", status=["confirmed"])
    rows = csv_rows(text)
    assert [(int(r["id"]), r["booking_number"], r["status"], r["amount"], r["vendor_name"]) for r in rows] == [
        (second["id"], second["booking_number"], "confirmed", "120.00", "Alpha Cleaning Co.")]
    assert first["id"] not in [int(r["id"]) for r in rows]

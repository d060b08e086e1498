"""A referred user's first completed booking qualifies their referral, in the booking's own
transaction (docs/api.md#referrals); the reward is issued after commit by a task."""
from models.core import context, events
from models.marketplace import referrals
from models.marketplace.booking import Booking
from models.marketplace.events import BookingUpdated


def _booking_completed(evt: BookingUpdated, session) -> None:
    if evt.new_status != "completed":
        return
    with context.acting_as(organization_id=evt.organization_id):
        booking = session.get(Booking, evt.booking_id)
        if booking is not None and booking.status == "completed":
            referrals.qualify(booking, session)


events.subscribe_in_transaction(BookingUpdated, _booking_completed)

"""The marketplace's events -> the console (/), to the staff who manage bookings
(`perm:<org>:bookings:manage`, as GET /admin/bookings and /admin/refunds require). docs/events.md#marketplace"""
from models.core import events
from models.marketplace import events as marketplace
from sockets import rooms
from sockets.emitter import emit

RELAYED = ((marketplace.BookingUpdated, rooms.BOOKING_UPDATED, marketplace.booking_payload),
           (marketplace.RefundUpdated, rooms.REFUND_UPDATED, marketplace.refund_payload),
           (marketplace.TakedownCreated, rooms.TAKEDOWN_CREATED, marketplace.takedown_payload),
           (marketplace.TakedownResolved, rooms.TAKEDOWN_RESOLVED, marketplace.takedown_payload))


def _relay(name: str, payload_of):
    def relay(evt) -> None:
        emit(name, payload_of(evt), room=rooms.permission_room(evt.organization_id, rooms.BOOKINGS_ALL),
             organization_id=evt.organization_id)
    return relay


for event_class, event_name, payload in RELAYED:
    events.subscribe(event_class, _relay(event_name, payload))

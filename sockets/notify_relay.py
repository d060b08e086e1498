"""Notifications -> `notification.created` to the recipient's own sockets (`user:<id>`), on the
namespace their role uses: the console (/), the technician app (/mobile) or the portal
(/customer). docs/events.md"""
from models.core import events
from models.core.webhook_events import iso
from models.notify.notification import CONSOLE, MOBILE_APP, PORTAL, NotificationCreated
from sockets import rooms
from sockets.emitter import emit

NAMESPACE_OF_APP = {CONSOLE: rooms.DISPATCH, MOBILE_APP: rooms.MOBILE, PORTAL: rooms.CUSTOMER}


def _created(evt: NotificationCreated) -> None:
    emit(rooms.NOTIFICATION_CREATED, {"id": evt.notification_id, "kind": evt.kind, "title": evt.title,
                                      "body": evt.body, "url": evt.url, "created_at": iso(evt.created_at)},
         room=rooms.user_room(evt.recipient_id), namespace=NAMESPACE_OF_APP[evt.app],
         organization_id=evt.organization_id)


events.subscribe(NotificationCreated, _created)

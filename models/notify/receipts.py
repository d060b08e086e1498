"""Push receipts: the service worker says a push reached the device (`delivered`) or that its user
clicked it (`clicked`), with the receipt token its encrypted payload carried; no bearer token, since a
service worker may have none (docs/notifications.md#receipts).

The token is an HMAC-SHA256 of the delivery id under a key derived from SECRET_KEY: only the device
the payload was encrypted for holds it. A wrong token and an unknown delivery are the same answer
(not found), checked in constant time before the database is asked.

A receipt may overtake the task that sent the push (the worker has not committed `sent` yet, or the
push service answered 5xx after all): its times are kept whatever the status, the status moves from
sent to delivered at once, and the task, once it settles `sent`, moves it too (`promote`)."""
import base64
import hashlib
import hmac

from sqlalchemy import case, func, update

from models.core import settings
from models.core.db import db, utcnow
from models.core.errors import NotFound
from models.notify.delivery import DELIVERED, PUSH, NotificationDelivery

DELIVERED_EVENT, CLICKED_EVENT = "delivered", "clicked"
EVENTS = (DELIVERED_EVENT, CLICKED_EVENT)
_PURPOSE = b"fieldops.push-receipt"


def _key() -> bytes:
    return hmac.new(str(settings.require("SECRET_KEY")).encode(), _PURPOSE, hashlib.sha256).digest()


def token_for(delivery_id: int) -> str:
    digest = hmac.new(_key(), str(int(delivery_id)).encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def record(delivery_id: int, token: str, event: str) -> None:
    """Keep the receipt (again: nothing changes, the first times stay); NotFound for a wrong token, a
    delivery that does not exist or is not a push."""
    if not hmac.compare_digest(token.encode(), token_for(delivery_id).encode()):
        raise NotFound("No such delivery")
    now = utcnow()
    values = {NotificationDelivery.delivered_at: func.coalesce(NotificationDelivery.delivered_at, now),
              NotificationDelivery.status: case((NotificationDelivery.status == "sent", DELIVERED),
                                                else_=NotificationDelivery.status)}
    if event == CLICKED_EVENT:
        values[NotificationDelivery.clicked_at] = func.coalesce(NotificationDelivery.clicked_at, now)
    # No organization is bound (no bearer): the token names the delivery, whichever organization's it is.
    done = db.session.execute(update(NotificationDelivery)
                              .where(NotificationDelivery.id == delivery_id, NotificationDelivery.channel == PUSH)
                              .values(values).execution_options(all_tenants=True, synchronize_session=False))
    if done.rowcount == 0:
        raise NotFound("No such delivery")


def promote(delivery: NotificationDelivery) -> None:
    """A push just settled sent whose receipt came first: it is delivered."""
    db.session.execute(update(NotificationDelivery)
                       .where(NotificationDelivery.id == delivery.id, NotificationDelivery.status == "sent",
                              NotificationDelivery.delivered_at.is_not(None))
                       .values(status=DELIVERED).execution_options(synchronize_session=False))

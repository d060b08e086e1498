"""A user's in-app inbox: the notifications that reached them in-app (a scheduled one once its
time came), newest first; read one, read all, count the unread. Only one's own: another
user's notification is not found."""
from sqlalchemy import exists, func, select, update
from sqlalchemy.sql import Select

from models.core.db import db, utcnow
from models.core.errors import NotFound
from models.core.listing import Filter, ListSpec, any_of
from models.notify.delivery import DELIVERED, IN_APP, NotificationDelivery
from models.notify.notification import Notification

_IN_INBOX = exists().where(NotificationDelivery.notification_id == Notification.id,
                           NotificationDelivery.channel == IN_APP,
                           NotificationDelivery.status.in_(("sent", DELIVERED)))

INBOX = ListSpec(
    sortable={"created_at": Notification.created_at}, default_sort="-created_at", id=Notification.id,
    ids_descending=True,
    filters={
        "kind": any_of(Notification.kind),
        "unread": Filter(bool, lambda unread: Notification.read_at.is_(None) if unread
                         else Notification.read_at.is_not(None), description="true: unread only; false: read only"),
    },
)


def of(user_id: int) -> Select:
    """The select of the user's inbox (narrowed and paged by INBOX)."""
    return select(Notification).where(Notification.recipient_id == user_id, _IN_INBOX)


def get_own(user_id: int, notification_id: int) -> Notification:
    found = db.session.scalars(of(user_id).where(Notification.id == notification_id)).one_or_none()
    if found is None:
        raise NotFound(f"Notification {notification_id} not found")
    return found


def read(user_id: int, notification_id: int) -> Notification:
    """Mark one read (again: it keeps the first time)."""
    notification = get_own(user_id, notification_id)
    if notification.read_at is None:
        notification.read_at = utcnow()
    return notification


def read_all(user_id: int) -> int:
    """Mark every unread one read; how many were."""
    done = db.session.execute(update(Notification)
                              .where(Notification.recipient_id == user_id, Notification.read_at.is_(None), _IN_INBOX)
                              .values(read_at=utcnow()).execution_options(synchronize_session=False))
    return done.rowcount


def unread_count(user_id: int) -> int:
    return db.session.scalar(of(user_id).where(Notification.read_at.is_(None))
                             .with_only_columns(func.count(Notification.id)))

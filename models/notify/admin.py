"""What an admin does with notifications: send one to people picked by user, role or
technician (kind `admin.message`), look at what was sent and how each delivery went, and cancel
a scheduled one before it fires."""
from sqlalchemy import select, update

from models.core.errors import InvalidTransition, ValidationFailed
from models.core.db import db
from models.core.tenancy import get_or_404
from models.dispatch.technician import Technician
from models.identity.role import Role
from models.identity.user import User
from models.notify.delivery import CANCELLED as DELIVERY_CANCELLED, NotificationDelivery
from models.notify.notification import CANCELLED, SCHEDULED, Notification
from models.notify.notify import notify

ADMIN_MESSAGE = "admin.message"


def recipients_of(user_ids=(), roles=(), technician_ids=()) -> list:
    """The organization's users named by id, holding one of `roles`, or linked to the technicians
    named (a technician without an account: their email address, if any), each once. An id or role
    the organization does not have is 422, naming it; so is nobody at all."""
    user_ids, roles, technician_ids = list(user_ids or ()), list(roles or ()), list(technician_ids or ())
    problems = {}
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    missing = [ident for ident in dict.fromkeys(user_ids) if ident not in users]
    if missing:
        problems["user_ids"] = [f"no user {ident} in the organization" for ident in missing]
    known_roles = set(db.session.scalars(select(Role.name).where(Role.name.in_(roles)))) if roles else set()
    unknown = [role for role in dict.fromkeys(roles) if role not in known_roles]
    if unknown:
        problems["roles"] = [f"no role {role!r} in the organization" for role in unknown]
    technicians = {t.id: t for t in db.session.scalars(select(Technician).where(Technician.id.in_(technician_ids)))} \
        if technician_ids else {}
    missing = [ident for ident in dict.fromkeys(technician_ids) if ident not in technicians]
    if missing:
        problems["technician_ids"] = [f"no technician {ident} in the organization" for ident in missing]
    if problems:
        raise ValidationFailed("Some recipients are not of the organization", recipients=problems)
    found = list(users.values())
    if known_roles:
        found += db.session.scalars(select(User).where(User.role.in_(known_roles), User.is_active.is_(True))
                                    .order_by(User.id)).all()
    linked = [t.user_id for t in technicians.values() if t.user_id is not None]
    if linked:
        found += db.session.scalars(select(User).where(User.id.in_(linked)).order_by(User.id)).all()
    found += [t.email for t in technicians.values() if t.user_id is None and t.email]
    if not found:
        raise ValidationFailed("Nobody to notify", recipients=["name at least one user, role or technician "
                                                               "with somewhere to send to"])
    return found


def send(fields: dict, *, actor_id: int | None) -> list[Notification]:
    """POST /admin/notifications: `recipients{user_ids, roles, technician_ids}`, title, body, url,
    data, channels, priority, send_at."""
    picked = fields.get("recipients") or {}
    recipients = recipients_of(picked.get("user_ids"), picked.get("roles"), picked.get("technician_ids"))
    return notify(recipients, ADMIN_MESSAGE, fields["title"], fields.get("body") or "", url=fields.get("url"),
                  data=fields.get("data"), channels=fields.get("channels"), send_at=fields.get("send_at"),
                  priority=fields.get("priority") or "normal", created_by=actor_id)


def get(notification_id: int) -> Notification:
    return get_or_404(Notification, notification_id, "Notification")


def listed():
    return select(Notification)


def cancel(notification: Notification, fields: dict | None = None, *, actor_id: int | None = None) -> Notification:
    """A scheduled notification never fires: it and its waiting deliveries become cancelled (their
    enqueued messages then find nothing to claim). Anything past scheduled is 409."""
    if notification.status != SCHEDULED:
        raise InvalidTransition(f"A {notification.status} notification cannot be cancelled", allowed=[SCHEDULED])
    db.session.execute(update(NotificationDelivery)
                       .where(NotificationDelivery.notification_id == notification.id,
                              NotificationDelivery.status == "queued")
                       .values(status=DELIVERY_CANCELLED, next_attempt_at=None)
                       .execution_options(synchronize_session=False))
    notification.status = CANCELLED
    db.session.flush()
    db.session.expire(notification, ["deliveries"])
    return notification


"""`notify()`: what any domain calls to tell people something (docs/notifications.md).

It writes, in the caller's transaction, one notification per recipient and one delivery per
channel and target, and enqueues each delivery that leaves the process (push, email) through
the outbox: a rollback sends nothing, a commit loses nothing. In-app needs no task: it is in
the inbox once committed, and `NotificationCreated` tells the recipient's sockets after commit.
A `send_at` in the future holds every delivery (in-app too) until then (`enqueue_at`)."""
from datetime import datetime

from sqlalchemy import select

from models.core import events, notification_kinds
from models.core.db import as_utc, db, utcnow
from models.core.errors import ValidationFailed
from models.core.permissions import grants
from models.identity.role import Role
from models.identity.user import User
from models.notify import preferences
from models.notify.delivery import EMAIL, IN_APP, TASK, NotificationDelivery, targets_of
from models.notify.notification import (CONSOLE, MOBILE_APP, PORTAL, PRIORITIES, QUEUED, SCHEDULED, Notification,
                                        NotificationCreated, follow)
from models.ops import outbox
from models.ops.deliveries import SENT


def notify(recipients, kind: str, title: str, body: str, url: str | None = None, data: dict | None = None,
           channels=None, send_at: datetime | None = None, priority: str = "normal", created_by: int | None = None,
           *, session=None) -> list[Notification]:
    """Notify each of `recipients` (User rows, user ids of the organization, or email addresses of
    people without an account) of a declared `kind`. `channels` default to the kind's; either way
    the recipient's preferences filter them (an email address gets email, unless `channels` leave it
    out), and a recipient left with no channel (a muted kind) or
    no target gets no notification. Returns the notifications written. `session`: an in-transaction
    subscriber's (models.core.events), else the unit of work's."""
    session = session or db.session
    declared = notification_kinds.get(kind)
    wanted = _checked_channels(channels, declared)
    if priority not in PRIORITIES:
        raise ValidationFailed("Unknown priority", priority=[f"must be one of: {', '.join(PRIORITIES)}"])
    now = utcnow()
    send_at = as_utc(send_at)
    later = send_at is not None and send_at > now
    written = []
    everyone = _recipients(recipients, session)
    users = [recipient for recipient in everyone if isinstance(recipient, User)]
    prefs = preferences.of_users([user.id for user in users], session)
    where = targets_of(users, wanted, session)
    apps = _apps_of_roles({user.role for user in users}, session) if IN_APP in wanted and not later else {}
    for recipient in everyone:
        if isinstance(recipient, str):
            targets = {EMAIL: [recipient]} if channels is None or EMAIL in wanted else {}  # mail is all they have
        else:
            chosen = prefs.get(recipient.id, preferences.Preferences()).channels_for(declared, wanted)
            targets = {channel: where[recipient.id][channel] for channel in chosen}
        targets = {channel: found for channel, found in targets.items() if found}
        if not targets:
            continue
        notification = Notification(
            kind=kind, title=title, body=body or "", url=url, data=data or {}, priority=priority,
            recipient=None if isinstance(recipient, str) else recipient,
            recipient_email=recipient if isinstance(recipient, str) else None,
            channels=list(targets), status=SCHEDULED if later else QUEUED, send_at=send_at, created_by=created_by,
            created_at=now)
        notification.deliveries = [
            NotificationDelivery(channel=channel, target=target, status="queued", attempts=0,
                                 next_attempt_at=send_at if later else None)
            for channel, found in targets.items() for target in found]
        session.add(notification)
        session.flush()
        for delivery in notification.deliveries:
            if later:
                outbox.enqueue_in(session, TASK, [delivery.id], {}, not_before=send_at)
            elif delivery.channel == IN_APP:
                delivery.status, delivery.sent_at = SENT, now
            else:
                outbox.enqueue_in(session, TASK, [delivery.id], {})
        follow(notification, now)
        if not later and IN_APP in targets:
            announce(notification, session, apps.get(recipient.role))
        written.append(notification)
    return written


def announce(notification: Notification, session=None, app: str | None = None) -> None:
    """Record that an in-app notification is in its recipient's inbox (relayed after commit); `app`:
    where the recipient reads live events, when the caller knows (else `app_of`)."""
    session = session or db.session
    recipient = notification.recipient or session.get(User, notification.recipient_id)
    events.record(NotificationCreated(
        notification.organization_id, notification.id, notification.recipient_id,
        app or app_of(recipient, session),
        notification.kind, notification.title, notification.body, notification.url,
        as_utc(notification.created_at)), session=session)


def app_of(user: User, session) -> str:
    """Where the user's role reads live events (see `_app_of_permissions`)."""
    return _app_of_permissions(session.scalar(select(Role.permissions).where(Role.name == user.role)) or [])


def _apps_of_roles(roles: set, session) -> dict[str, str]:
    """{role: where its users read live events}, in one query."""
    found = {name: granted for name, granted in session.execute(
        select(Role.name, Role.permissions).where(Role.name.in_(roles)))} if roles else {}
    return {role: _app_of_permissions(found.get(role) or []) for role in roles}


def _app_of_permissions(granted) -> str:
    """The portal (customers), the technician app (a role that reads its assigned jobs and not every
    job), else the dispatch console."""
    if grants(granted, "portal:access") and not grants(granted, "jobs:read_assigned"):
        return PORTAL
    if grants(granted, "jobs:read_assigned") and not grants(granted, "jobs:read"):
        return MOBILE_APP
    return CONSOLE


def _checked_channels(channels, kind) -> list[str]:
    wanted = list(dict.fromkeys(channels if channels is not None else kind.channels))
    unknown = [channel for channel in wanted if channel not in notification_kinds.CHANNELS]
    if unknown:
        raise ValidationFailed("Unknown channels",
                               channels=[f"must be among: {', '.join(notification_kinds.CHANNELS)}"])
    return wanted


def _recipients(recipients, session) -> list:
    """Users (rows, or ids of the organization's users: an unknown id is nobody) and email
    addresses, each once."""
    if isinstance(recipients, (User, int, str)):
        recipients = [recipients]
    ids = [r for r in recipients if isinstance(r, int) and not isinstance(r, bool)]
    loaded = {user.id: user for user in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    found, seen = [], set()
    for recipient in recipients:
        user = loaded.get(recipient) if isinstance(recipient, int) else recipient
        key = user.id if isinstance(user, User) else (user.lower() if isinstance(user, str) else None)
        if user is not None and key not in seen:
            seen.add(key)
            found.append(user)
    return found

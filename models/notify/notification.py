"""A notification: one message to one recipient (a user, or an email address without an
account), on the channels it was sent by, each a delivery (models.notify.delivery). Its status
follows its deliveries' (`follow`). docs/notifications.md"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core.db import db, utcnow
from models.core.events import DomainEvent
from models.core.exports import ExportSpec
from models.core.listing import ListSpec, any_of, equal_to, on_or_after, on_or_before
from models.core.tenancy import TenantScoped
from models.identity.user import User

PRIORITIES = ("normal", "high")
SCHEDULED, QUEUED, SENT, PARTIALLY_FAILED, FAILED, CANCELLED = (
    "scheduled", "queued", "sent", "partially_failed", "failed", "cancelled")
STATUSES = (SCHEDULED, QUEUED, SENT, PARTIALLY_FAILED, FAILED, CANCELLED)
# Where a recipient's role reads its live events: the dispatch console, the technician app, the portal.
CONSOLE, MOBILE_APP, PORTAL = "console", "mobile", "portal"


class Notification(TenantScoped, db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_org_recipient_created", "organization_id", "recipient_id", "created_at"),
                      Index("ix_notifications_org_created", "organization_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    url: Mapped[str | None] = mapped_column(String(2000))
    data: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    priority: Mapped[str] = mapped_column(String(8), nullable=False, default="normal")
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    recipient_email: Mapped[str | None] = mapped_column(String(254))
    channels: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=QUEUED)
    send_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    recipient = relationship(User, foreign_keys=[recipient_id], lazy="joined")
    deliveries = relationship("NotificationDelivery", back_populates="notification", lazy="selectin",
                              order_by="NotificationDelivery.id", cascade="all, delete-orphan")


@dataclass(frozen=True)
class NotificationCreated(DomainEvent):
    """An in-app notification reached its recipient's inbox (at once, or when its `send_at` came):
    relayed as `notification.created` to the recipient's sockets (sockets.notify_relay)."""

    organization_id: int
    notification_id: int
    recipient_id: int
    app: str  # CONSOLE, MOBILE_APP or PORTAL: where the recipient's role reads live events
    kind: str
    title: str
    body: str
    url: str | None
    created_at: datetime


def follow(notification: Notification, now: datetime | None = None) -> str:
    """The notification's status from its deliveries': waiting while any is queued or sending
    (scheduled until its time comes), else sent, failed or partially_failed by how they ended.
    A cancelled one stays cancelled."""
    if notification.status == CANCELLED:
        return CANCELLED
    statuses = [delivery.status for delivery in notification.deliveries]
    if any(status in ("queued", "sending") for status in statuses):
        due = notification.send_at is None or db_time(notification.send_at) <= (now or utcnow())
        notification.status = QUEUED if due or notification.status != SCHEDULED else SCHEDULED
        return notification.status
    done = sum(status in ("sent", "delivered") for status in statuses)
    bad = sum(status in ("failed", "expired") for status in statuses)
    notification.status = SENT if not bad else FAILED if not done else PARTIALLY_FAILED
    return notification.status


def db_time(moment: datetime) -> datetime:
    """A stored moment as an aware UTC time (SQLite hands back naive UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


# The admin list (GET /admin/notifications) and the export share it.
NOTIFICATIONS = ListSpec(
    sortable={"created_at": Notification.created_at, "send_at": Notification.send_at,
              "status": Notification.status, "kind": Notification.kind},
    default_sort="-created_at", id=Notification.id, ids_descending=True,
    filters={
        "kind": any_of(Notification.kind),
        "status": any_of(Notification.status, STATUSES),
        "recipient_id": equal_to(Notification.recipient_id, description="to this user"),
        "date_from": on_or_after(Notification.created_at, description="created on or after this day (UTC)"),
        "date_to": on_or_before(Notification.created_at, description="created on or before this day (UTC)"),
    },
    search=(Notification.title, Notification.body),
)

EXPORT = ExportSpec(
    resource="notifications", model=Notification, permission="notifications:send",
    description="Notifications sent to the organization's people: kind, recipient, channels, status, read",
    columns=[("id", Notification.id), ("kind", Notification.kind), ("title", Notification.title),
             ("body", Notification.body), ("url", Notification.url), ("priority", Notification.priority),
             ("recipient_id", Notification.recipient_id), ("recipient_name", User.name),
             ("recipient_email", Notification.recipient_email), ("channels", Notification.channels),
             ("status", Notification.status), ("send_at", Notification.send_at),
             ("created_by", Notification.created_by), ("created_at", Notification.created_at),
             ("read_at", Notification.read_at)],
    joins=[(User, User.id == Notification.recipient_id)],
    listing=NOTIFICATIONS,
)

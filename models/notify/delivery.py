"""A notification's deliveries: one per channel and target (in_app: the inbox; push: a device;
email: an address), each a row of the delivery seam (models.ops.deliveries) with its attempts.

`targets_of` says where each user's notification goes, per channel: push goes to each of the
user's active devices (models.notify.device), one delivery per device."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core.db import db, utcnow
from models.core.tenancy import TenantScoped
from models.identity.user import User
from models.notify import device
from models.ops.deliveries import DeliveryState

IN_APP, PUSH, EMAIL = "in_app", "push", "email"
# Beyond the seam's queued, sending, sent and failed: a push receipt's delivered, a push service's
# expired (the device is gone), skipped (nothing to send to any more) and cancelled (a scheduled send).
DELIVERED, EXPIRED, SKIPPED, CANCELLED = "delivered", "expired", "skipped", "cancelled"
STATUSES = ("queued", "sending", "sent", DELIVERED, "failed", EXPIRED, SKIPPED, CANCELLED)
TASK = "notifications.deliver"


class NotificationDelivery(DeliveryState, TenantScoped, db.Model):
    __tablename__ = "notification_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), index=True,
                                                 nullable=False)
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    target: Mapped[str | None] = mapped_column(String(500))  # a device id, an email address; none in-app
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    clicked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    notification = relationship("Notification", back_populates="deliveries", lazy="joined")


class NotificationAttempt(db.Model):
    __tablename__ = "notification_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("notification_deliveries.id", ondelete="CASCADE"),
                                             index=True, nullable=False)
    attempted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    response_status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int | None] = mapped_column(Integer)


def targets_of(users: list[User], channels, session) -> dict[int, dict[str, list[str | None]]]:
    """{user id: {channel: targets}}: the inbox (one), the user's email address, and (when push is among
    `channels`) their active devices, read for every user in one query."""
    devices = device.active_ids_of([user.id for user in users], session) if PUSH in channels else {}
    return {user.id: {IN_APP: [None], EMAIL: [user.email] if user.email else [], PUSH: devices.get(user.id, [])}
            for user in users}

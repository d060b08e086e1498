"""A user's notification preferences: email on or off, push on or off, kinds muted. A user who
never set them has the defaults (both on, nothing muted) and no row. docs/notifications.md"""
from dataclasses import dataclass

from sqlalchemy import JSON, Boolean, ForeignKey, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from models.core import notification_kinds
from models.core.db import db
from models.core.errors import ValidationFailed
from models.core.tenancy import TenantScoped
from models.notify.delivery import EMAIL, PUSH


class NotificationPreference(TenantScoped, db.Model):
    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("organization_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    email: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    push: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    muted_kinds: Mapped[list] = mapped_column(JSON, default=list, nullable=False)


@dataclass(frozen=True)
class Preferences:
    email: bool = True
    push: bool = True
    muted_kinds: tuple[str, ...] = ()

    def channels_for(self, kind: notification_kinds.NotificationKind, channels) -> list[str]:
        """`channels` less what these preferences refuse: every one for a muted kind, email when email
        is off, push when push is off. A kind that cannot be muted (temporary credentials) ignores
        them all: it is the only way to get what it carries."""
        if not kind.mutable:
            return list(channels)
        if kind.name in self.muted_kinds:
            return []
        off = {EMAIL} if not self.email else set()
        off |= {PUSH} if not self.push else set()
        return [channel for channel in channels if channel not in off]


def of(user_id: int, session=None) -> Preferences:
    return of_users([user_id], session).get(user_id, Preferences())


def of_users(user_ids: list[int], session=None) -> dict[int, Preferences]:
    """{user id: their preferences} of those who set any, in one query (the others have the defaults)."""
    if not user_ids:
        return {}
    rows = (session or db.session).scalars(select(NotificationPreference)
                                           .where(NotificationPreference.user_id.in_(user_ids)))
    return {row.user_id: Preferences(row.email, row.push, tuple(row.muted_kinds)) for row in rows}


def update(user_id: int, changes: dict) -> Preferences:
    """Set some of `email`, `push` and `muted_kinds` (kinds declared and mutable, else 422)."""
    muted = changes.get("muted_kinds")
    if muted is not None:
        declared = {kind.name: kind for kind in notification_kinds.kinds()}
        unknown = sorted({name for name in muted if name not in declared})
        fixed = sorted({name for name in muted if name in declared and not declared[name].mutable})
        if unknown or fixed:
            problems = [f"no notification kind {name!r}" for name in unknown]
            problems += [f"{name!r} cannot be muted" for name in fixed]
            raise ValidationFailed("Some kinds cannot be muted", muted_kinds=problems)
    row = db.session.scalar(select(NotificationPreference).where(NotificationPreference.user_id == user_id))
    if row is None:
        row = NotificationPreference(user_id=user_id, email=True, push=True, muted_kinds=[])
        db.session.add(row)
    for name in ("email", "push"):
        if changes.get(name) is not None:
            setattr(row, name, changes[name])
    if muted is not None:
        row.muted_kinds = sorted(set(muted))
    db.session.flush()
    return Preferences(row.email, row.push, tuple(row.muted_kinds))

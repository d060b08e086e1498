"""Status workflows: a declarative table of the moves each status allows, and the
history row every move writes (docs/architecture.md#workflows).

The table says only which status may follow which. A rule that needs the
aggregate's data (a job needs a technician before work starts) stays in the
aggregate's method, which may narrow the table's moves with `excluding`."""
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import ClassVar

from sqlalchemy import DateTime, ForeignKey, String, select
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from models.core.db import db, utcnow
from models.core.errors import InvalidTransition, ValidationFailed
from models.core.tenancy import TenantScoped


class StatusHistory(TenantScoped):
    """The columns of an aggregate's status history. A subclass adds the foreign key to its
    aggregate and names it in `subject_key` (`job_id = mapped_column(ForeignKey("jobs.id"))`)."""

    subject_key: ClassVar[str]

    id: Mapped[int] = mapped_column(primary_key=True)
    from_status: Mapped[str | None] = mapped_column(String(20))  # None: the row of its creation
    to_status: Mapped[str] = mapped_column(String(20), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    @declared_attr
    def actor_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @classmethod
    def of(cls, subject) -> list:
        """The subject's moves, oldest first."""
        key = getattr(cls, cls.subject_key)
        return db.session.scalars(select(cls).where(key == subject.id).order_by(cls.id)).all()


class Workflow:
    """`Workflow({"pending": ("confirmed", "cancelled"), "confirmed": ("done",), ...}, initial=("pending",),
    history=BookingStatusHistory)`: every status is a key, in display order; a status without moves is final.
    The subject has a `status` attribute and an `organization_id`."""

    def __init__(self, moves: Mapping[str, Iterable[str]], *, initial: Iterable[str], history: type[StatusHistory],
                 noun: str = "item"):
        self.statuses = tuple(moves)
        order = {status: index for index, status in enumerate(self.statuses)}
        unknown = {target for targets in moves.values() for target in targets} - set(order)
        unknown |= set(initial) - set(order)
        if unknown:
            raise ValueError(f"Moves to undeclared statuses: {sorted(unknown)}")
        self.moves = {status: tuple(sorted(set(targets), key=order.__getitem__)) for status, targets in moves.items()}
        self.initial = tuple(sorted(set(initial), key=order.__getitem__))
        self.history, self.noun = history, noun

    def allowed(self, current: str, *, excluding: Iterable[str] = ()) -> tuple[str, ...]:
        excluded = set(excluding)
        return tuple(target for target in self.moves[current] if target not in excluded)

    def is_final(self, status: str) -> bool:
        return not self.moves[status]

    def check(self, current: str, target: str, *, excluding: Iterable[str] = ()) -> None:
        """An unknown status is 422; a move the table (less `excluding`) does not allow, 409 with `allowed`."""
        if target not in self.moves:
            raise ValidationFailed("Unknown status", status=[f"one of {', '.join(self.statuses)}"])
        allowed = self.allowed(current, excluding=excluding)
        if target not in allowed:
            raise InvalidTransition(f"A {current} {self.noun} cannot move to {target}", allowed=list(allowed))

    def start(self, subject, *, actor_id: int | None, reason: str | None = "created") -> StatusHistory:
        """Record a new subject's first status (it must be one of `initial`); the subject needs its id."""
        if subject.status not in self.initial:
            raise ValidationFailed(f"A {self.noun} starts as {' or '.join(self.initial)}",
                                   status=[f"one of {', '.join(self.initial)}"])
        return self._record(subject, None, actor_id, reason)

    def move(self, subject, target: str, *, actor_id: int | None, reason: str | None = None,
             excluding: Iterable[str] = ()) -> StatusHistory:
        """Check the move, set the subject's status and write its history row (returned:
        `from_status` and `created_at` serve the caller's side effects)."""
        self.check(subject.status, target, excluding=excluding)
        previous, subject.status = subject.status, target
        return self._record(subject, previous, actor_id, reason)

    def _record(self, subject, previous: str | None, actor_id: int | None, reason: str | None) -> StatusHistory:
        row = self.history(organization_id=subject.organization_id, from_status=previous, to_status=subject.status,
                           actor_id=actor_id, reason=reason, created_at=utcnow(),
                           **{self.history.subject_key: subject.id})
        db.session.add(row)
        return row

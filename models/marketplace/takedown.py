"""A vendor's request to take down a review of theirs, with evidence files, prioritised and
resolved by moderators: pending → under_review → accepted | rejected, or withdrawn by the vendor
(docs/api.md#takedown-requests)."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from models.core import storage
from models.core.audit import Audited
from models.core.db import Timestamped, db, utcnow
from models.core.tenancy import TenantScoped
from models.identity.user import User
from models.marketplace.review import Review
from models.vendors.vendor import Vendor

REASON_CATEGORIES = ("fake", "defamatory", "spam", "off_topic", "personal_info", "conflict_of_interest", "other")
PRIORITIES = ("low", "medium", "high", "urgent")
STATUSES = ("pending", "under_review", "accepted", "rejected", "withdrawn")
OPEN = ("pending", "under_review")
DECISIONS = ("accept", "reject")
RESOLUTION_ACTIONS = ("hide", "remove", "none")
EVIDENCE_KINDS = ("image", "document", "text")


class TakedownRequest(Audited, TenantScoped, Timestamped, db.Model):
    __tablename__ = "takedown_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True, nullable=False)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), nullable=False)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason_category: Mapped[str] = mapped_column(String(30), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    # The priority it was filed with; the one shown rises a level after 72 h pending (computed when read).
    base_priority: Mapped[str] = mapped_column(String(10), nullable=False)
    status: Mapped[str] = mapped_column(String(20), default="pending", nullable=False)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision: Mapped[str | None] = mapped_column(String(10))
    resolution_action: Mapped[str | None] = mapped_column(String(10))
    resolution_reason: Mapped[str | None] = mapped_column(String(2000))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    review = relationship(Review, lazy="joined")
    vendor = relationship(Vendor, lazy="joined")
    requested_by = relationship(User, foreign_keys=[requested_by_id], lazy="joined")
    assigned_to = relationship(User, foreign_keys=[assigned_to_id], lazy="joined")
    resolved_by = relationship(User, foreign_keys=[resolved_by_id], lazy="joined")

    __table_args__ = (
        db.Index("ix_takedown_requests_org_status", "organization_id", "status", "created_at"),
        db.Index("ix_takedown_requests_org_vendor", "organization_id", "vendor_id"),
    )


class TakedownEvidence(TenantScoped, db.Model):
    __tablename__ = "takedown_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("takedown_requests.id", ondelete="CASCADE"), index=True,
                                            nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)  # as uploaded, for the download's name
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)  # recognised from the bytes
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(String(300), nullable=False, info=storage.FILE_KEY)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)


# How many of a review's takedown requests are still open, read with the review (lists filter and show it).
Review.open_takedown_requests = column_property(
    select(func.count(TakedownRequest.id))
    .where(TakedownRequest.review_id == Review.id, TakedownRequest.status.in_(OPEN))
    .correlate_except(TakedownRequest).scalar_subquery(),
    deferred=True)

TakedownRequest.evidence = relationship(TakedownEvidence, order_by=TakedownEvidence.id, lazy="select", viewonly=True)

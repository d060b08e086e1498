"""A consumer's review of a completed booking, and its moderation trail: published → hidden |
removed; hidden → published | removed; removed → published (docs/api.md#reviews). The vendor's
rating is the mean of its published reviews."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core.audit import Audited
from models.core.db import Timestamped, db, utcnow
from models.core.tenancy import TenantScoped
from models.identity.user import User
from models.vendors.vendor import Vendor

STATUSES = ("published", "hidden", "removed")
MOVES = {"published": ("hidden", "removed"), "hidden": ("published", "removed"), "removed": ("published",)}
ACTIONS = {"hide": "hidden", "remove": "removed", "restore": "published"}  # moderation action -> status


class Review(Audited, TenantScoped, Timestamped, db.Model):
    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), nullable=False)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), nullable=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rating: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="published", nullable=False)

    vendor = relationship(Vendor, lazy="joined")
    author = relationship(User, lazy="joined")

    __table_args__ = (
        db.Index("ix_reviews_booking", "booking_id", unique=True),  # one review per booking
        db.Index("ix_reviews_org_created", "organization_id", "created_at", "id"),
        db.Index("ix_reviews_org_vendor", "organization_id", "vendor_id", "status"),
    )


class ReviewModeration(TenantScoped, db.Model):
    __tablename__ = "review_moderations"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True, nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)  # hide | remove | restore
    reason: Mapped[str] = mapped_column(String(1000), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    takedown_request_id: Mapped[int | None] = mapped_column(ForeignKey("takedown_requests.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)

    actor = relationship(User, lazy="joined")


# The trail, oldest first (a review's detail shows it).
Review.moderation = relationship(ReviewModeration, order_by=(ReviewModeration.created_at, ReviewModeration.id),
                                 lazy="select", viewonly=True)

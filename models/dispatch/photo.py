"""Photos attached to a job. The original is stored as uploaded; a `media`
task extracts EXIF time/GPS into the row and writes EXIF-free variants."""
from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from models.core.audit import Audited
from models.core.db import db, utcnow
from models.core.storage import FILE_KEY
from models.core.tenancy import TenantScoped

PHOTO_STATUSES = ("processing", "ready", "failed")


class JobPhoto(Audited, TenantScoped, db.Model):
    __tablename__ = "job_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True, nullable=False)
    uploaded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(255), nullable=False)  # as the client named it
    content_type: Mapped[str] = mapped_column(String(60), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    storage_key: Mapped[str] = mapped_column(String(300), nullable=False, info=FILE_KEY)  # models.core.storage
    status: Mapped[str] = mapped_column(String(20), default="processing", nullable=False)
    error: Mapped[str | None] = mapped_column(Text)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    taken_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    web_key: Mapped[str | None] = mapped_column(String(300), info=FILE_KEY)
    thumb_key: Mapped[str | None] = mapped_column(String(300), info=FILE_KEY)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def attachments_of(job_id: int) -> list[JobPhoto]:
    return db.session.scalars(select(JobPhoto).where(JobPhoto.job_id == job_id).order_by(JobPhoto.id)).all()

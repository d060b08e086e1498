"""Field technicians: who they are, what they can do, where they are, what they're doing."""
import math
from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.core import context, events
from models.core.audit import Audited
from models.core.db import Timestamped, db, utcnow
from models.core.errors import Conflict, ValidationFailed
from models.core.listing import Filter, ListSpec, any_of
from models.core.tenancy import SoftDeletable, TenantScoped
from models.dispatch.events import DashboardChanged, TechnicianUpdated

STATUSES = ("available", "busy", "on_break", "offline")
EARTH_RADIUS_KM = 6371.0


class Technician(Audited, TenantScoped, SoftDeletable, Timestamped, db.Model):
    __tablename__ = "technicians"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="available", nullable=False)
    current_job_id: Mapped[int | None] = mapped_column(
        ForeignKey("jobs.id", ondelete="SET NULL", use_alter=True, name="fk_technicians_current_job_id_jobs")
    )
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    location_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    skill_rows: Mapped[list["TechnicianSkill"]] = relationship(
        cascade="all, delete-orphan", order_by="TechnicianSkill.id"
    )

    __table_args__ = (db.Index("ix_technicians_org_status", "organization_id", "status"),)

    @property
    def skills(self) -> list[str]:
        return [row.skill for row in self.skill_rows]

    @skills.setter
    def skills(self, names: list[str]) -> None:
        wanted = list(dict.fromkeys(name.strip() for name in names if name.strip()))
        self.skill_rows = [row for row in self.skill_rows if row.skill in wanted] + [
            TechnicianSkill(skill=name) for name in wanted if name not in self.skills
        ]

    @property
    def location(self) -> dict | None:
        return None if self.lat is None else {"lat": self.lat, "lng": self.lng}

    def set_status(self, status: str) -> None:
        if status not in STATUSES:
            raise ValidationFailed("Unknown technician status", status=[f"one of {', '.join(STATUSES)}"])
        if status != self.status:
            self.status = status
            self._changed()

    def move_to(self, lat: float, lng: float) -> None:
        self.lat, self.lng, self.location_updated_at = lat, lng, utcnow()
        self._changed()

    def take_job(self, job_id: int) -> None:
        self.status, self.current_job_id = "busy", job_id
        self._changed()

    def release_job(self, job_id: int) -> None:
        if self.current_job_id == job_id:
            self.current_job_id = None
            if self.status == "busy":
                self.status = "available"
            self._changed()

    def check_assignable(self) -> None:
        if self.status == "offline":
            raise Conflict(f"{self.name} is offline and cannot take jobs", technician_id=[self.id])

    def distance_km(self, lat: float, lng: float) -> float | None:
        if self.lat is None:
            return None
        return haversine_km(self.lat, self.lng, lat, lng)

    def _changed(self) -> None:
        org_id = self.organization_id or context.current().organization_id
        events.record(TechnicianUpdated(org_id, self.id, self.name, self.status, self.lat, self.lng,
                                        self.current_job_id, utcnow()))
        events.record(DashboardChanged(org_id))


class TechnicianSkill(db.Model):
    __tablename__ = "technician_skills"
    __table_args__ = (UniqueConstraint("technician_id", "skill"), db.Index("ix_technician_skills_skill", "skill"))

    id: Mapped[int] = mapped_column(primary_key=True)
    technician_id: Mapped[int] = mapped_column(ForeignKey("technicians.id", ondelete="CASCADE"), nullable=False)
    skill: Mapped[str] = mapped_column(String(60), nullable=False)


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def bounding_box(lat: float, lng: float, radius_km: float) -> tuple[float, float, float, float]:
    """A lat/lng box containing the circle, for an index-friendly prefilter."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    dlng = math.degrees(radius_km / (EARTH_RADIUS_KM * max(math.cos(math.radians(lat)), 1e-6)))
    return lat - dlat, lat + dlat, lng - dlng, lng + dlng


def technician_for_user(user_id: int) -> Technician | None:
    return db.session.scalar(select(Technician).where(Technician.user_id == user_id))


# How technicians are listed and exported.
def _has_skill(skill: str):
    return Technician.id.in_(select(TechnicianSkill.technician_id)
                             .where(func.lower(TechnicianSkill.skill) == skill.lower()))


def _available(available: bool):
    return Technician.status == "available" if available else Technician.status != "available"


TECHNICIANS = ListSpec(
    sortable={"name": Technician.name, "status": Technician.status, "created_at": Technician.created_at},
    default_sort="name", id=Technician.id,
    filters={
        "status": any_of(Technician.status, STATUSES),
        "skill": Filter(str, _has_skill, description="has this skill (any case)"),
        "available": Filter(bool, _available, description="available now (true) or not (false)"),
    },
    search=(Technician.name, Technician.email, Technician.phone),
)

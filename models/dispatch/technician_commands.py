"""Managing technicians and finding the right one."""
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models.core.db import db
from models.core.errors import Conflict
from models.core.tenancy import get_or_404
from models.dispatch.technician import Technician, bounding_box
from models.identity import User

FIELDS = ("name", "email", "phone", "user_id")


def _check_user(user_id: int | None) -> None:
    if user_id is None:
        return
    get_or_404(User, user_id, "User")
    taken = db.session.scalar(select(Technician.id).where(Technician.user_id == user_id))
    if taken is not None:
        raise Conflict("That user is already a technician", user_id=[f"linked to technician {taken}"])


def create_technician(fields: dict) -> Technician:
    _check_user(fields.get("user_id"))
    technician = Technician(**{k: v for k, v in fields.items() if k in FIELDS}, status=fields["status"])
    technician.skills = fields.get("skills", [])
    db.session.add(technician)
    db.session.flush()  # its id, for the caller's answer (the boundary commits)
    return technician


def update_technician(technician: Technician, changes: dict) -> Technician:
    if "user_id" in changes and changes["user_id"] != technician.user_id:
        _check_user(changes["user_id"])
    for name in FIELDS:
        if name in changes:
            setattr(technician, name, changes[name])
    if "skills" in changes:
        technician.skills = changes["skills"]
    if "status" in changes:
        technician.set_status(changes["status"])
    return technician


def team():
    """The technicians, with their skills; narrowed and ordered by models.dispatch.technician.TECHNICIANS."""
    return select(Technician).options(selectinload(Technician.skill_rows))


def nearest(stmt, lat: float, lng: float, radius_km: float) -> list[Technician]:
    """Technicians with a known position within `radius_km`, nearest first
    (a bounding-box prefilter in SQL, exact great-circle distance here)."""
    south, north, west, east = bounding_box(lat, lng, radius_km)
    stmt = stmt.where(Technician.lat.between(south, north), Technician.lng.between(west, east))
    found = []
    for technician in db.session.scalars(stmt).all():
        technician.distance = technician.distance_km(lat, lng)
        if technician.distance <= radius_km:
            found.append(technician)
    return sorted(found, key=lambda t: (t.distance, t.id))

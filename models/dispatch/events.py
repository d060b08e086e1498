"""What happens in dispatch, as recorded by the domain and relayed after commit
(sockets.dispatch_relay turns these into Socket.IO events; tasks.dispatch coalesces
DashboardChanged into one DashboardMetricsComputed per organization per second)."""
from dataclasses import dataclass
from datetime import datetime

from models.core.events import DomainEvent


@dataclass(frozen=True)
class JobStatusUpdated(DomainEvent):
    organization_id: int
    job_id: int
    old_status: str
    new_status: str
    updated_by: int | None
    technician_user_id: int | None
    timestamp: datetime


@dataclass(frozen=True)
class JobAssigned(DomainEvent):
    organization_id: int
    job_id: int
    title: str
    priority: str
    technician_id: int | None
    technician_name: str | None
    technician_user_id: int | None
    previous_technician_id: int | None
    previous_technician_user_id: int | None
    assigned_by: int | None
    timestamp: datetime


@dataclass(frozen=True)
class DashboardChanged(DomainEvent):
    """Something the dispatch dashboard counts has changed for this organization."""

    organization_id: int

    @property
    def coalesce_key(self):
        return ("dashboard", self.organization_id)


@dataclass(frozen=True)
class TechnicianUpdated(DomainEvent):
    """Status, location or current job of a technician changed (team-update)."""

    organization_id: int
    technician_id: int
    name: str
    status: str
    lat: float | None
    lng: float | None
    current_job_id: int | None
    timestamp: datetime

    @property
    def coalesce_key(self):
        return ("technician", self.technician_id)


@dataclass(frozen=True)
class DashboardMetricsComputed(DomainEvent):
    """The dashboard's numbers for an organization, computed after a burst of changes
    (tasks.dispatch); sockets.dispatch_relay sends them to its dispatch consoles."""

    organization_id: int
    numbers: dict

"""What happens in dispatch, as recorded by the domain and relayed after commit
(sockets.dispatch_relay turns these into Socket.IO events; tasks.dispatch coalesces
DashboardChanged into one DashboardMetricsComputed per organization per second). The `*_payload`
functions are what the dispatch console's events and the webhooks of the same name carry."""
from dataclasses import dataclass
from datetime import datetime

from models.core.events import DomainEvent
from models.core.webhook_events import WebhookEventType, iso


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


def status_updated_payload(evt: JobStatusUpdated) -> dict:
    return {"job_id": evt.job_id, "old_status": evt.old_status, "new_status": evt.new_status,
            "updated_by": evt.updated_by, "timestamp": iso(evt.timestamp)}


def assigned_payload(evt: JobAssigned) -> dict:
    return {"job_id": evt.job_id, "technician_id": evt.technician_id, "technician_name": evt.technician_name,
            "previous_technician_id": evt.previous_technician_id, "assigned_by": evt.assigned_by,
            "timestamp": iso(evt.timestamp)}


def technician_payload(evt: TechnicianUpdated) -> dict:
    """The technician app's `team-update`."""
    return {"technicianId": evt.technician_id, "name": evt.name, "status": evt.status,
            "location": {"lat": evt.lat, "lng": evt.lng} if evt.lat is not None else None,
            "currentJobId": evt.current_job_id, "timestamp": iso(evt.timestamp)}


WEBHOOK_EVENTS = (
    WebhookEventType("job.status.updated", JobStatusUpdated, status_updated_payload,
                     "A job moved through its workflow (old and new status)"),
    WebhookEventType("job.assigned", JobAssigned, assigned_payload,
                     "A job was assigned to a technician, reassigned or unassigned"),
    WebhookEventType("technician.updated", TechnicianUpdated, technician_payload,
                     "A technician's status, location or current job changed"),
    WebhookEventType("dashboard.metrics.updated", DashboardMetricsComputed, lambda evt: dict(evt.numbers),
                     "The dashboard's numbers, recomputed after a burst of job changes (at most once a second)"),
)

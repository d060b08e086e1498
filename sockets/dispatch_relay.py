"""Dispatch events -> the dispatch console (/) and the technician app (/mobile), to
whoever may read the job by the REST rule (models.dispatch.job_access): `jobs:read`
holders of the organization, and the technician's own user (docs/events.md)."""
from models.core import events
from models.core.webhook_events import iso
from models.dispatch.events import (DashboardMetricsComputed, JobAssigned, JobStatusUpdated, TechnicianUpdated,
                                    assigned_payload, status_updated_payload, technician_payload)
from models.dispatch.job_access import may_read_job
from sockets import rooms, subscriptions
from sockets.emitter import emit


def _status_updated(evt: JobStatusUpdated) -> None:
    emit(rooms.JOB_STATUS_UPDATED, status_updated_payload(evt),
         room=rooms.job_audience(evt.organization_id, evt.technician_user_id), organization_id=evt.organization_id)
    if evt.technician_user_id is not None:
        emit(rooms.MOBILE_STATUS_UPDATED, {
            "jobId": evt.job_id, "oldStatus": evt.old_status, "newStatus": evt.new_status,
            "updatedBy": evt.updated_by, "timestamp": iso(evt.timestamp),
        }, room=rooms.technicians_audience(evt.technician_user_id), namespace=rooms.MOBILE,
             organization_id=evt.organization_id)


def _assigned(evt: JobAssigned) -> None:
    """The previous technician hears of it too: it is what takes the job off their screen."""
    technicians = (evt.technician_user_id, evt.previous_technician_user_id)
    emit(rooms.JOB_ASSIGNED, assigned_payload(evt), room=rooms.job_audience(evt.organization_id, *technicians),
         organization_id=evt.organization_id)
    phones = rooms.technicians_audience(*technicians)
    if phones:
        emit(rooms.MOBILE_JOB_ASSIGNED, {
            "jobId": evt.job_id, "title": evt.title, "priority": evt.priority, "technicianId": evt.technician_id,
            "previousTechnicianId": evt.previous_technician_id, "assignedBy": evt.assigned_by,
            "timestamp": iso(evt.timestamp),
        }, room=phones, namespace=rooms.MOBILE, organization_id=evt.organization_id)
    if evt.priority == "urgent" and evt.technician_user_id is not None:
        emit(rooms.MOBILE_PRIORITY_ALERT, {"jobId": evt.job_id, "title": evt.title, "priority": evt.priority,
                                           "timestamp": iso(evt.timestamp)},
             room=rooms.technicians_audience(evt.technician_user_id), namespace=rooms.MOBILE,
             organization_id=evt.organization_id)


def _technician_updated(evt: TechnicianUpdated) -> None:
    """Technicians' data goes where GET /technicians may be read: `jobs:read` holders."""
    emit(rooms.MOBILE_TEAM_UPDATE, technician_payload(evt),
         room=rooms.permission_room(evt.organization_id, rooms.JOBS_ALL), namespace=rooms.MOBILE,
         organization_id=evt.organization_id)


def _dashboard_metrics(evt: DashboardMetricsComputed) -> None:
    """To the dispatch consoles whose users may read them (`analytics:read`, as GET /dashboard/metrics)."""
    emit(rooms.DASHBOARD_METRICS_UPDATED, evt.numbers, room=rooms.permission_room(evt.organization_id, rooms.METRICS),
         organization_id=evt.organization_id)


events.subscribe(JobStatusUpdated, _status_updated)
events.subscribe(JobAssigned, _assigned)
events.subscribe(TechnicianUpdated, _technician_updated)
events.subscribe(DashboardMetricsComputed, _dashboard_metrics)
subscriptions.register("job", may_read_job)

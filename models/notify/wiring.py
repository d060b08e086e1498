"""What other domains' events tell people, written with the change or not at all (in-transaction
subscribers, models.core.events): the domains that record them do not know notify.

- `JobAssigned` → the newly assigned technician's user (`job.assigned`; high priority, so pushed with
  `Urgency: high`, for high and urgent jobs: an urgent one is the priority alert, titled so, and one
  notification rather than a second one beside it, so the phone rings once for one fact);
- `BackgroundJobChanged` to succeeded or failed, of an export or a backup → its starter
  (`background_job.finished`);
- `ActivityReminderDue` → the activity's assignee (`crm.activity_reminder`);
- `WebhookEndpointDisabled` → the organization's users who may manage webhooks
  (`webhook.endpoint_disabled`);
- `OrganizationRestored` → the restored deliveries still to send get their tasks again (the outbox
  that held them is not in a backup)."""
from sqlalchemy import select

from models.core import context, events
from models.core.permissions import grants
from models.crm.events import ActivityReminderDue
from models.dispatch.events import JobAssigned
from models.identity.role import Role
from models.identity.user import User
from models.notify.notify import notify
from models.notify.delivery import TASK as DELIVER, NotificationDelivery
from models.notify.webhook_delivery import WebhookEndpointDisabled
from models.ops import outbox
from models.ops.deliveries import QUEUED, SENDING
from models.ops.restore import OrganizationRestored
from models.ops.background_job import BackgroundJobChanged

FINISHED = {"succeeded": "is ready", "failed": "failed"}
ANNOUNCED_JOBS = {"export": "Your export", "backup": "Your backup"}


def _job_assigned(evt: JobAssigned, session) -> None:
    if evt.technician_user_id is None or evt.technician_id == evt.previous_technician_id:
        return
    with context.acting_as(organization_id=evt.organization_id):
        urgent = evt.priority == "urgent"  # the priority alert: this one notification, pushed with Urgency: high
        notify([evt.technician_user_id], "job.assigned", f"{'Urgent' if urgent else 'New'} job: {evt.title}"[:200],
               f"You have been assigned job #{evt.job_id} ({evt.priority} priority).",
               url=f"/jobs/{evt.job_id}", data={"job_id": evt.job_id},
               priority="high" if evt.priority in ("high", "urgent") else "normal", created_by=evt.assigned_by,
               session=session)


def _background_job_finished(evt: BackgroundJobChanged, session) -> None:
    if evt.status not in FINISHED or evt.kind not in ANNOUNCED_JOBS or evt.created_by is None:
        return
    what = ANNOUNCED_JOBS[evt.kind]
    with context.acting_as(organization_id=evt.organization_id):
        notify([evt.created_by], "background_job.finished", f"{what} {FINISHED[evt.status]}", evt.message or "",
               url=f"/admin/jobs/{evt.job_id}", data={"job_id": evt.job_id, "kind": evt.kind, "status": evt.status},
               session=session)


def _activity_reminder(evt: ActivityReminderDue, session) -> None:
    if evt.assigned_to_id is None:
        return
    starts = evt.scheduled_at.strftime("%H:%M UTC")
    with context.acting_as(organization_id=evt.organization_id):
        notify([evt.assigned_to_id], "crm.activity_reminder", evt.title, f"Starts at {starts}.",
               url=f"/activities/{evt.activity_id}", data={"activity_id": evt.activity_id},
               priority="high", session=session)


def _webhook_disabled(evt: WebhookEndpointDisabled, session) -> None:
    with context.acting_as(organization_id=evt.organization_id):
        managers = [user for user, permissions in session.execute(
            select(User, Role.permissions).join(Role, (Role.organization_id == User.organization_id)
                                                & (Role.name == User.role))
            .where(User.is_active.is_(True)).order_by(User.id))
            if grants(permissions, "webhooks:manage")]
        if managers:
            notify(managers, "webhook.endpoint_disabled", "A webhook endpoint was disabled",
                   f"{evt.url} was disabled: {evt.consecutive_failures} deliveries in a row failed. "
                   "Fix the receiver, then enable the endpoint again.",
                   url=f"/admin/webhooks/{evt.endpoint_id}", data={"endpoint_id": evt.endpoint_id},
                   priority="high", session=session)


def _restored(evt: OrganizationRestored, session) -> None:
    """Deliveries that were queued, or being sent, when the backup was taken: queued again, each for
    its time (a scheduled one's, or now)."""
    if NotificationDelivery.__tablename__ not in evt.tables:
        return
    with context.acting_as(organization_id=evt.organization_id):
        pending = session.scalars(select(NotificationDelivery)
                                  .where(NotificationDelivery.status.in_((QUEUED, SENDING)))).all()
        for delivery in pending:
            delivery.status = QUEUED
            outbox.enqueue_in(session, DELIVER, [delivery.id], {}, not_before=delivery.next_attempt_at)


events.subscribe_in_transaction(JobAssigned, _job_assigned)
events.subscribe_in_transaction(BackgroundJobChanged, _background_job_finished)
events.subscribe_in_transaction(ActivityReminderDue, _activity_reminder)
events.subscribe_in_transaction(WebhookEndpointDisabled, _webhook_disabled)
events.subscribe_in_transaction(OrganizationRestored, _restored)

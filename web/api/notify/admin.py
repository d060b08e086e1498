"""Notifications on the admin side (`notifications:send`): send a message to people picked by
user, role or technician, now or later; see what was sent and how each delivery went; cancel a
scheduled one (docs/notifications.md). `POST /mobile/notifications/send` is the same send."""
from flask import g
from flask.views import MethodView

from models.identity.user import User
from models.notify import admin
from models.notify.notification import NOTIFICATIONS
from models.core.tenancy import check_links
from web.auth import requires
from web.conventions.envelope import Blueprint
from web.conventions.listing import paginate
from web.conventions.openapi import conflicts, refused_beyond_schema
from web.schemas.notify.notifications import (AdminListArgsSchema, AdminNotificationDetailSchema,
                                              AdminNotificationSchema, SendSchema, SentSchema)

blp = Blueprint("admin_notifications", __name__, url_prefix="/api/v1",
                description="Sending notifications to the organization's people, and what became of them")
LINKS = {"recipient_id": (User, "user")}
REFUSED_RECIPIENTS = ("`recipients` must name users, roles and technicians of the organization, and someone at all "
                      "(the 422 names the ids and roles it does not know)")


def _send(body):
    notifications = admin.send(body, actor_id=g.user.id)
    ids = [notification.id for notification in notifications]
    headers = {"Location": f"{blp.url_prefix}/admin/notifications/{ids[0]}"} if ids else {}
    return {"notification_ids": ids, "count": len(ids)}, 202, headers



@blp.route("/admin/notifications")
class AdminNotifications(MethodView):
    @requires("notifications:send")
    @blp.arguments(AdminListArgsSchema, location="query")
    @blp.paginated(AdminNotificationSchema)
    @refused_beyond_schema("`recipient` must be a user of the organization")
    def get(self, args):
        """The organization's notifications, newest first.

        Filters: `kind`, `status` (comma lists), `recipient_id` (or `recipient`), `date_from`, `date_to`
        (days, UTC, inclusive); `q` searches the title and body."""
        check_links(args, LINKS)
        return paginate(admin.listed(), args, NOTIFICATIONS)

    @requires("notifications:send")
    @blp.arguments(SendSchema)
    @blp.response(202, SentSchema)
    @refused_beyond_schema(REFUSED_RECIPIENTS)
    def post(self, body):
        """Send a notification to people of the organization.

        One `admin.message` notification per recipient: the users named, every active user of the roles
        named, the technicians' users (a technician without an account gets the email channel at their
        address). Channels default to in_app and push; each recipient's preferences filter them, so someone
        who muted admin messages gets none (and is not counted). A future `send_at` schedules them
        (`status` scheduled, cancellable until then)."""
        return _send(body)


@blp.route("/mobile/notifications/send")
class MobileSend(MethodView):
    @requires("notifications:send")
    @blp.arguments(SendSchema)
    @blp.response(202, SentSchema)
    @refused_beyond_schema(REFUSED_RECIPIENTS)
    def post(self, body):
        """Send a notification to people of the organization (as POST /admin/notifications).

        The same body, rules and answer as `POST /admin/notifications`."""
        return _send(body)


@blp.route("/admin/notifications/<int:notification_id>")
class AdminNotificationDetail(MethodView):
    @requires("notifications:send")
    @blp.response(200, AdminNotificationDetailSchema)
    def get(self, notification_id):
        """One notification of the organization, with its deliveries.

        Each delivery: channel, target, status, attempts, last error, response status and times."""
        return admin.get(notification_id)


@blp.route("/admin/notifications/<int:notification_id>/cancel")
class AdminNotificationCancel(MethodView):
    @requires("notifications:send")
    @blp.response(200, AdminNotificationDetailSchema)
    @conflicts("Only a scheduled notification is cancelled (`details.allowed`)", transition=True)
    def post(self, notification_id):
        """Cancel a scheduled notification.

        It and its deliveries become cancelled, and it never fires."""
        return admin.cancel(admin.get(notification_id))

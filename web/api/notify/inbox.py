"""One's own notifications: the in-app inbox and its unread count, reading them, and one's
notification preferences (docs/notifications.md). Every signed-in user has an inbox; another
user's notification is not found."""
from flask import g
from flask.views import MethodView

from models.notify import inbox, preferences
from web.auth import signed_in
from web.conventions.envelope import Blueprint
from web.conventions.listing import paginate
from web.conventions.openapi import refused_beyond_schema
from web.schemas.notify.notifications import (InboxArgsSchema, NotificationSchema, PreferencesInputSchema,
                                              PreferencesSchema, UnreadCountSchema, UpdatedSchema)

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications",
                description="One's own notifications (the in-app inbox) and notification preferences")


@blp.route("")
class Inbox(MethodView):
    @signed_in
    @blp.arguments(InboxArgsSchema, location="query")
    @blp.paginated(NotificationSchema)
    def get(self, args):
        """One's in-app notifications, newest first.

        Filters: `unread` (true: unread only; false: read only), `kind` (a comma list). A scheduled
        notification appears once its `send_at` has come."""
        return paginate(inbox.of(g.user.id), args, inbox.INBOX)


@blp.route("/unread-count")
class UnreadCount(MethodView):
    @signed_in
    @blp.response(200, UnreadCountSchema)
    def get(self):
        """How many of one's in-app notifications are unread: `{count}` (a badge's number)."""
        return {"count": inbox.unread_count(g.user.id)}


@blp.route("/<int:notification_id>/read")
class Read(MethodView):
    @signed_in
    @blp.response(200, NotificationSchema)
    def post(self, notification_id):
        """Mark one of one's notifications read (again: it keeps the first `read_at`)."""
        return inbox.read(g.user.id, notification_id)


@blp.route("/read-all")
class ReadAll(MethodView):
    @signed_in
    @blp.response(200, UpdatedSchema)
    def post(self):
        """Mark every one of one's unread notifications read: `{updated}`, how many were."""
        return {"updated": inbox.read_all(g.user.id)}


@blp.route("/preferences")
class Preferences(MethodView):
    @signed_in
    @blp.response(200, PreferencesSchema)
    def get(self):
        """One's notification preferences: email and push on or off, the kinds muted.

        Defaults: email and push on, nothing muted. `mutable_kinds` lists the kinds one may mute."""
        return preferences.of(g.user.id)

    @signed_in
    @blp.arguments(PreferencesInputSchema)
    @blp.response(200, PreferencesSchema)
    @refused_beyond_schema("`muted_kinds` must name declared kinds that can be muted")
    def put(self, body):
        """Set one's notification preferences (the fields sent; the others stay).

        A muted kind reaches one on no channel; email or push off drops that channel from every kind.
        Security kinds (a temporary password) cannot be muted: naming one, or an unknown kind, is 422."""
        return preferences.update(g.user.id, body)

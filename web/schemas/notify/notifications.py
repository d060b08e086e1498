"""Notifications (docs/notifications.md): the inbox's items, preferences, admin sends and the
admin's view of each delivery."""
import marshmallow as ma

from models.core import notification_kinds
from models.core.db import MAX_INT
from models.notify import delivery, notification
from models.notify.admin import ADMIN_MESSAGE
from models.notify.inbox import INBOX
from web.schemas.common import InputSchema, Text, UTCDateTime
from web.schemas.listing import list_args_schema

Str, Int, Bool = ma.fields.String, ma.fields.Integer, ma.fields.Boolean
CHANNEL = Str(validate=ma.validate.OneOf(notification_kinds.CHANNELS))


class NotificationSchema(ma.Schema):
    """An inbox item: one's own in-app notification."""
    id = Int()
    kind = Str(metadata={"example": "job.assigned"})
    title = Str()
    body = Str()
    url = Str(allow_none=True)
    data = ma.fields.Dict()
    priority = Str(validate=ma.validate.OneOf(notification.PRIORITIES))
    created_at = UTCDateTime()
    read_at = UTCDateTime(allow_none=True, metadata={"description": "null while unread"})


class RecipientSchema(ma.Schema):
    id = Int()
    name = Str()


class DeliverySchema(ma.Schema):
    id = Int()
    channel = CHANNEL
    target = Str(allow_none=True, metadata={"description": "the device id (push) or email address (email); "
                                                          "null in-app"})
    status = Str(validate=ma.validate.OneOf(delivery.STATUSES))
    attempts = Int()
    last_error = Str(allow_none=True)
    response_status = Int(allow_none=True)
    next_attempt_at = UTCDateTime(allow_none=True, metadata={"description": "when a queued one is tried (again)"})
    sent_at = UTCDateTime(allow_none=True)
    delivered_at = UTCDateTime(allow_none=True)
    clicked_at = UTCDateTime(allow_none=True)


class AdminNotificationSchema(NotificationSchema):
    """A notification as the admin list shows it."""
    recipient = ma.fields.Nested(RecipientSchema, allow_none=True)
    recipient_email = Str(allow_none=True, metadata={"description": "for someone without an account"})
    channels = ma.fields.List(CHANNEL)
    status = Str(validate=ma.validate.OneOf(notification.STATUSES))
    send_at = UTCDateTime(allow_none=True)
    created_by = Int(allow_none=True)


class AdminNotificationDetailSchema(AdminNotificationSchema):
    deliveries = ma.fields.List(ma.fields.Nested(DeliverySchema))


class UnreadCountSchema(ma.Schema):
    count = Int(metadata={"description": "one's unread in-app notifications"})


class UpdatedSchema(ma.Schema):
    updated = Int(metadata={"description": "how many were marked read"})


class PreferencesSchema(ma.Schema):
    email = Bool()
    push = Bool()
    muted_kinds = ma.fields.List(Str())
    mutable_kinds = ma.fields.Function(lambda _prefs: notification_kinds.mutable_names(), metadata={
        "type": "array", "items": {"type": "string"}, "description": "the kinds one may mute (read-only)"})


class PreferencesInputSchema(InputSchema):
    email = Bool(metadata={"description": "notifications by email"})
    push = Bool(metadata={"description": "notifications by Web Push"})
    muted_kinds = ma.fields.List(Str(validate=ma.validate.Length(min=1, max=64)), validate=ma.validate.Length(max=50),
                                 metadata={"description": "kinds to receive on no channel; security kinds cannot be "
                                                          "muted (422)"})


def _ids(what: str):
    return ma.fields.List(Int(validate=ma.validate.Range(min=1, max=MAX_INT)), validate=ma.validate.Length(max=1000),
                          metadata={"description": f"{what} of the organization"})


class RecipientsSchema(InputSchema):
    user_ids = _ids("users")
    roles = ma.fields.List(Str(validate=ma.validate.Length(min=1, max=40)), validate=ma.validate.Length(max=50),
                           metadata={"description": "every active user holding one of these roles"})
    technician_ids = _ids("technicians (their user; their email without one)")


class SendSchema(InputSchema):
    recipients = ma.fields.Nested(RecipientsSchema, required=True)
    title = Str(required=True, validate=ma.validate.Length(min=1, max=200))
    body = Text(5000, load_default="")
    url = Str(allow_none=True, validate=ma.validate.Length(max=2000))
    data = ma.fields.Dict(allow_none=True)
    channels = ma.fields.List(CHANNEL, validate=ma.validate.Length(min=1, max=3), metadata={
        "description": f"default: the `{ADMIN_MESSAGE}` kind's (in_app, push); each recipient's preferences "
                       "filter them"})
    priority = Str(load_default="normal", validate=ma.validate.OneOf(notification.PRIORITIES),
                   metadata={"description": "high: `Urgency: high` on push"})
    send_at = UTCDateTime(allow_none=True, metadata={"description": "later: scheduled until then (cancellable)"})


class SentSchema(ma.Schema):
    notification_ids = ma.fields.List(Int())
    count = Int()


InboxArgsSchema = list_args_schema(INBOX, "NotificationInboxArgsSchema")
AdminListArgsSchema = list_args_schema(notification.NOTIFICATIONS, "AdminNotificationListArgsSchema")

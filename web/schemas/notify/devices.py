"""Push devices (Web Push subscriptions), the VAPID public key and push receipts
(docs/notifications.md#push). `/push/...` in the API's shapes; `/mobile/...` in the technician app's
(camelCase, string ids, no envelope: spec of the mobile API)."""
import marshmallow as ma

from models.notify.device import MAX_ENDPOINT, PLATFORMS
from models.notify.receipts import EVENTS
from models.core.db import MAX_INT
from web.schemas.common import InputSchema, UTCDateTime

Str = ma.fields.String
ENDPOINT_DOC = ("The subscription's push service URL (PushSubscription.endpoint): https, on a public address; "
                "the same endpoint again updates its device")


class KeysSchema(InputSchema):
    p256dh = Str(required=True, validate=ma.validate.Length(min=1, max=200), metadata={
        "description": "The browser's P-256 public key, base64url (65 bytes decoded)"})
    auth = Str(required=True, validate=ma.validate.Length(min=1, max=100), metadata={
        "description": "The shared auth secret, base64url (16 bytes decoded)"})


class DeviceInputSchema(InputSchema):
    """PushSubscription.toJSON() as the browser gives it, and what it runs on."""
    endpoint = Str(required=True, validate=ma.validate.Length(min=1, max=MAX_ENDPOINT),
                   metadata={"description": ENDPOINT_DOC, "example": "https://fcm.googleapis.com/fcm/send/dGhl..."})
    keys = ma.fields.Nested(KeysSchema, required=True)
    platform = Str(load_default="web", validate=ma.validate.OneOf(PLATFORMS))
    user_agent = Str(allow_none=True, validate=ma.validate.Length(max=500))
    expirationTime = ma.fields.Float(allow_none=True, load_only=True, metadata={  # noqa: N815 (the browser's JSON)
        "description": "Sent by PushSubscription.toJSON() (milliseconds since the epoch, or null); ignored"})


class MobileDeviceInputSchema(DeviceInputSchema):
    user_agent = Str(data_key="userAgent", allow_none=True, validate=ma.validate.Length(max=500))


class DeviceSchema(ma.Schema):
    id = ma.fields.Integer()
    endpoint = Str()
    platform = Str()
    user_agent = Str(allow_none=True)
    is_active = ma.fields.Boolean(metadata={"description": "false once the push service said the subscription "
                                                          "is gone: register it again from the browser"})
    deactivated_at = UTCDateTime(allow_none=True)
    deactivated_reason = Str(allow_none=True)
    last_used_at = UTCDateTime(allow_none=True, metadata={"description": "the last push its service accepted"})
    created_at = UTCDateTime()


class MobileDeviceSchema(ma.Schema):
    id = ma.fields.Function(lambda device: str(device.id), metadata={"type": "string"})
    endpoint = Str()
    platform = Str()
    user_agent = Str(data_key="userAgent", allow_none=True)
    is_active = ma.fields.Boolean(data_key="isActive")
    last_used_at = UTCDateTime(data_key="lastUsedAt", allow_none=True)
    created_at = UTCDateTime(data_key="createdAt")


class MobileDeviceIdSchema(ma.Schema):
    id = ma.fields.Function(lambda device: str(device.id), metadata={"type": "string", "example": "12"})


class MobileDeviceListSchema(ma.Schema):
    devices = ma.fields.List(ma.fields.Nested(MobileDeviceSchema))


VAPID_KEY_DOC = "The applicationServerKey for pushManager.subscribe: base64url of the P-256 public key (65 bytes)"


class VapidKeySchema(ma.Schema):
    public_key = Str(metadata={"description": VAPID_KEY_DOC})


class MobileVapidKeySchema(ma.Schema):
    public_key = Str(data_key="publicKey", metadata={"description": VAPID_KEY_DOC})


class ReceiptSchema(InputSchema):
    delivery_id = ma.fields.Integer(data_key="deliveryId", required=True, strict=True,
                                    validate=ma.validate.Range(min=1, max=MAX_INT),
                                    metadata={"description": "`deliveryId` of the push payload"})
    receipt_token = Str(data_key="receiptToken", required=True, validate=ma.validate.Length(min=1, max=200),
                        metadata={"description": "`receiptToken` of the push payload"})
    event = Str(required=True, validate=ma.validate.OneOf(EVENTS), metadata={
        "description": "delivered: the push reached the service worker; clicked: its user clicked it"})

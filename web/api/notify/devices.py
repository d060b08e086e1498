"""Web Push for every role (docs/notifications.md#push): one's push subscriptions (devices), the VAPID
public key a browser subscribes with, and the receipts service workers post back, which need no bearer
token (the receipt token of the push stands for it). The technician app's flavour is
web.api.notify.mobile_devices."""
from flask import current_app, g
from flask.views import MethodView

from models.core.errors import DependencyUnavailable
from models.integrations.vapid import vapid_public_key
from models.notify import device, receipts
from web.auth import public, signed_in
from web.conventions.envelope import Blueprint, envelope_schema
from web.conventions.limits import limit
from web.conventions.openapi import refused_beyond_schema
from web.schemas.notify.devices import DeviceInputSchema, DeviceSchema, ReceiptSchema, VapidKeySchema

PREFIX = "/api/v1"
blp = Blueprint("push_devices", __name__, url_prefix=PREFIX,
                description="Web Push: one's devices, the VAPID public key, and push receipts")
REFUSED_SUBSCRIPTION = ("`endpoint` is not https or not on a public address; `keys` are not a P-256 key "
                        "(p256dh, 65 bytes) and a 16-byte auth secret, base64url")
NO_SUCH_RECEIPT = {"description": "Not a delivery this receipt token was made for (a wrong token and an unknown "
                                  "delivery are the same answer)"}


def public_key() -> str:
    try:
        return vapid_public_key(current_app.config)
    except (KeyError, TypeError, ValueError):
        raise DependencyUnavailable("Push notifications are not configured on this server") from None


def registered(body):
    """A registration's answer: 201 for a new device, 200 for an endpoint registered before."""
    found, new = device.register(g.user.id, body)
    return (found, 201, {"Location": f"{PREFIX}/push/subscriptions/{found.id}"}) if new else (found, 200)


@blp.route("/push/subscriptions")
class PushSubscriptions(MethodView):
    @signed_in
    @blp.response(200, DeviceSchema(many=True))
    def get(self):
        """One's push devices, active or not, oldest first."""
        return device.own(g.user.id)

    @signed_in
    @blp.arguments(DeviceInputSchema)
    @blp.response(201, DeviceSchema)
    @blp.alt_response(200, schema=envelope_schema(DeviceSchema),
                      description="The endpoint was registered before: updated, active again, and now the caller's")
    @refused_beyond_schema(REFUSED_SUBSCRIPTION)
    def post(self, body):
        """Register a push subscription (PushSubscription.toJSON()) of one's browser.

        Any signed-in user may: staff, technicians, customers. Notifications with the push channel go to
        each of one's active devices. The same endpoint again updates its device (201 the first time, 200
        then), as a browser does when it renews its keys."""
        return registered(body)


@blp.route("/push/subscriptions/<int:device_id>")
class PushSubscriptionDetail(MethodView):
    @signed_in
    @blp.response(204)
    def delete(self, device_id):
        """Remove one of one's push devices (at sign-out, or when the user turns push off).

        Pushes still queued for it end `expired`. Another user's device is not found."""
        device.remove(g.user.id, device_id)


@blp.route("/push/vapid-public-key")
class PushVapidKey(MethodView):
    @signed_in
    @blp.response(200, VapidKeySchema)
    @blp.doc(responses={"503": {"description": "Push is not configured on this server"}})
    def get(self):
        """The VAPID public key to subscribe with (`applicationServerKey`)."""
        return {"public_key": public_key()}


@blp.route("/notifications/receipts")
class PushReceipts(MethodView):
    @public
    @limit(lambda: current_app.config["RECEIPT_RATE_LIMIT_PER_IP"])
    @blp.arguments(ReceiptSchema)
    @blp.response(204)
    @blp.doc(responses={"404": NO_SUCH_RECEIPT})
    def post(self, body):
        """A service worker's receipt of a push: delivered, or clicked.

        No bearer token: `receiptToken` from the push payload proves it. The delivery becomes `delivered`
        (`delivered_at`); a click sets `clicked_at` too. Sending it again changes nothing."""
        receipts.record(body["delivery_id"], body["receipt_token"], body["event"])

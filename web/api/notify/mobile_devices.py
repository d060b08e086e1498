"""The technician app's Web Push (spec of the mobile API, docs/notifications.md#push): its devices and
the VAPID public key, in the app's shapes (camelCase, string ids, no envelope; errors keep theirs).
The same devices as /push/subscriptions (web.api.notify.devices)."""
import flask_smorest
from flask import g
from flask.views import MethodView

from models.notify import device
from web.api.notify.devices import REFUSED_SUBSCRIPTION, public_key
from web.auth import signed_in
from web.conventions.envelope import Blueprint
from web.conventions.openapi import refused_beyond_schema
from web.schemas.notify.devices import (MobileDeviceIdSchema, MobileDeviceInputSchema, MobileDeviceListSchema,
                                        MobileVapidKeySchema)

PREFIX = "/api/v1/mobile"
blp = Blueprint("mobile_push", __name__, url_prefix=PREFIX,
                description="The technician app's push devices and VAPID key (docs/notifications.md#push)")


def bare(status, schema):
    """The app's answer: no envelope."""
    return flask_smorest.Blueprint.response(blp, status, schema)


@blp.route("/devices")
class MobileDevices(MethodView):
    @signed_in
    @bare(200, MobileDeviceListSchema)
    def get(self):
        """The caller's push devices: `{devices: [...]}`."""
        return {"devices": device.own(g.user.id)}

    @signed_in
    @blp.arguments(MobileDeviceInputSchema)
    @bare(201, MobileDeviceIdSchema)
    @blp.alt_response(200, schema=MobileDeviceIdSchema, description="The endpoint was registered before: updated")
    @refused_beyond_schema(REFUSED_SUBSCRIPTION)
    def post(self, body):
        """Register the app's Web Push subscription: `{id}`.

        `{endpoint, keys{p256dh, auth}, platform: web, userAgent?}`. The same endpoint again updates its
        device (201 the first time, 200 then)."""
        found, new = device.register(g.user.id, body)
        return (found, 201, {"Location": f"{PREFIX}/devices/{found.id}"}) if new else (found, 200)


@blp.route("/devices/<int:device_id>")
class MobileDevice(MethodView):
    @signed_in
    @bare(204, None)
    def delete(self, device_id):
        """Remove one of the caller's push devices (another user's is not found)."""
        device.remove(g.user.id, device_id)


@blp.route("/push/vapid-public-key")
class MobileVapidKey(MethodView):
    @signed_in
    @bare(200, MobileVapidKeySchema)
    @blp.doc(responses={"503": {"description": "Push is not configured on this server"}})
    def get(self):
        """The VAPID public key to subscribe with: `{publicKey}`."""
        return {"public_key": public_key()}

"""Push devices registered through the API, from subscriptions of the local push service
(tests/support/push_service.py)."""
from models.core.ports import PushSubscription

SUBSCRIPTIONS, MOBILE_DEVICES, RECEIPTS = "/api/v1/push/subscriptions", "/api/v1/mobile/devices", \
    "/api/v1/notifications/receipts"


def subscription_json(subscription: PushSubscription, **extra) -> dict:
    """What a browser's PushSubscription.toJSON() gives."""
    return {"endpoint": subscription.endpoint, "expirationTime": None,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}, **extra}


class Devices:
    """One organization's users' push devices, through the HTTP API."""

    def __init__(self, client, tenant):
        self.client, self.tenant = client, tenant

    def register(self, role, subscription: PushSubscription, **extra):
        return self.client.post(SUBSCRIPTIONS, headers=self.tenant.headers(role),
                                json=subscription_json(subscription, **extra))

    def add(self, role, subscription: PushSubscription) -> int:
        r = self.register(role, subscription)
        assert r.status_code in (200, 201), r.get_json()
        return r.get_json()["data"]["id"]

    def of(self, role) -> list[dict]:
        r = self.client.get(SUBSCRIPTIONS, headers=self.tenant.headers(role))
        assert r.status_code == 200, r.get_json()
        return r.get_json()["data"]


def receipt(client, payload: dict, event: str, token: str | None = None):
    """What a service worker posts on a push (no bearer token)."""
    return client.post(RECEIPTS, json={"deliveryId": payload["deliveryId"],
                                       "receiptToken": token or payload["receiptToken"], "event": event})

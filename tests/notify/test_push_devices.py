"""Push devices: registered by any role through /push/subscriptions or the app's /mobile/devices,
listed and removed by their owner only, refused (422) when they are not Web Push subscriptions
(docs/notifications.md#push)."""
import base64

import pytest

from tests.support.push import MOBILE_DEVICES, SUBSCRIPTIONS, Devices, subscription_json
from tests.support.push_service import PushService


@pytest.fixture(scope="module")
def service():
    with PushService() as running:
        yield running


@pytest.fixture
def devices(client, auth):
    return Devices(client, auth.a)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize("role", ["dispatcher", "technician", "customer"])
def test_every_role_registers_lists_and_removes_its_devices(devices, client, auth, service, role):
    subscription = service.subscribe()
    r = devices.register(role, subscription, user_agent="Firefox/128")
    assert r.status_code == 201 and r.headers["Location"].endswith(f"/push/subscriptions/{r.get_json()['data']['id']}")
    device = r.get_json()["data"]
    assert device["endpoint"] == subscription.endpoint and device["platform"] == "web"
    assert device["user_agent"] == "Firefox/128" and device["is_active"] is True and device["last_used_at"] is None
    assert [d["id"] for d in devices.of(role)] == [device["id"]]
    assert devices.of("admin") == []  # one's own only

    assert client.delete(f"{SUBSCRIPTIONS}/{device['id']}", headers=auth.a.headers(role)).status_code == 204
    assert devices.of(role) == []


def test_the_app_registers_in_its_own_shapes(client, auth, service):
    subscription = service.subscribe()
    headers = auth.a.headers("technician")
    r = client.post(MOBILE_DEVICES, headers=headers,
                    json={**subscription_json(subscription), "platform": "web", "userAgent": "Chrome/126 Android"})
    assert r.status_code == 201 and set(r.get_json()) == {"id"} and isinstance(r.get_json()["id"], str)
    ident = r.get_json()["id"]
    listed = client.get(MOBILE_DEVICES, headers=headers).get_json()
    assert listed == {"devices": [{"id": ident, "endpoint": subscription.endpoint, "platform": "web",
                                   "userAgent": "Chrome/126 Android", "isActive": True, "lastUsedAt": None,
                                   "createdAt": listed["devices"][0]["createdAt"]}]}
    # the same devices as /push/subscriptions
    assert [str(d["id"]) for d in Devices(client, auth.a).of("technician")] == [ident]
    assert client.delete(f"{MOBILE_DEVICES}/{ident}", headers=headers).status_code == 204
    assert client.get(MOBILE_DEVICES, headers=headers).get_json() == {"devices": []}


def test_the_same_endpoint_again_updates_its_device(devices, client, auth, service):
    subscription = service.subscribe()
    first = devices.add("technician", subscription)
    renewed = {**subscription_json(subscription), "user_agent": "Chrome/127"}
    renewed["keys"]["auth"] = b64(b"\x01" * 16)
    r = client.post(SUBSCRIPTIONS, headers=auth.a.headers("technician"), json=renewed)
    assert r.status_code == 200 and r.get_json()["data"]["id"] == first
    assert r.get_json()["data"]["user_agent"] == "Chrome/127"
    assert len(devices.of("technician")) == 1
    r = client.post(MOBILE_DEVICES, headers=auth.a.headers("technician"), json=subscription_json(subscription))
    assert r.status_code == 200 and r.get_json() == {"id": str(first)}


def test_a_browser_registered_by_another_user_becomes_theirs(devices, service):
    subscription = service.subscribe()
    ident = devices.add("technician", subscription)
    assert devices.add("dispatcher", subscription) == ident
    assert devices.of("technician") == [] and [d["id"] for d in devices.of("dispatcher")] == [ident]


def test_another_users_device_is_not_found(devices, client, auth, service):
    ident = devices.add("technician", service.subscribe())
    for path in (f"{SUBSCRIPTIONS}/{ident}", f"{MOBILE_DEVICES}/{ident}"):
        r = client.delete(path, headers=auth.a.headers("dispatcher"))
        assert r.status_code == 404 and r.get_json()["error"]["code"] == "NOT_FOUND"
        assert client.delete(path, headers=auth.b.headers("technician")).status_code == 404
    assert [d["id"] for d in devices.of("technician")] == [ident]


def _refusal(client, auth, body):
    r = client.post(SUBSCRIPTIONS, headers=auth.a.headers("technician"), json=body)
    assert r.status_code == 422, r.get_json()
    return r.get_json()["error"]["details"]


def test_what_is_not_a_web_push_subscription_is_refused(client, auth, service, app, monkeypatch):
    good = subscription_json(service.subscribe())
    keys = good["keys"]
    assert "auth" in _refusal(client, auth, {**good, "keys": {**keys, "auth": b64(b"short")}})["keys"]
    assert "p256dh" in _refusal(client, auth, {**good, "keys": {**keys, "p256dh": b64(b"\x04" + b"\x00" * 64)}})["keys"]
    assert "p256dh" in _refusal(client, auth, {**good, "keys": {**keys, "p256dh": "not base64!"}})["keys"]
    assert "keys" in _refusal(client, auth, {"endpoint": good["endpoint"]})
    assert "endpoint" in _refusal(client, auth, {**good, "endpoint": "ftp://push.example.com/x"})
    assert "platform" in _refusal(client, auth, {**good, "platform": "ios"})
    monkeypatch.setitem(app.config, "PUSH_ALLOW_HTTP_ENDPOINTS", False)
    assert "endpoint" in _refusal(client, auth, good)  # http, where it is not allowed
    monkeypatch.setitem(app.config, "PUSH_ALLOW_PRIVATE_ENDPOINTS", False)
    assert "endpoint" in _refusal(client, auth, {**good, "endpoint": "https://127.0.0.1/push/x"})  # SSRF
    assert Devices(client, auth.a).of("technician") == []


def test_the_vapid_public_key_is_the_servers(client, auth, app):
    from models.integrations.vapid import vapid_public_key

    r = client.get("/api/v1/mobile/push/vapid-public-key", headers=auth.a.headers("technician"))
    assert r.status_code == 200 and r.get_json() == {"publicKey": vapid_public_key(app.config)}
    assert len(base64.urlsafe_b64decode(r.get_json()["publicKey"] + "=")) == 65
    r = client.get("/api/v1/push/vapid-public-key", headers=auth.a.headers("customer"))
    assert r.get_json()["data"] == {"public_key": vapid_public_key(app.config)}
    assert client.get("/api/v1/mobile/push/vapid-public-key").status_code == 401

"""The push channel end to end, with a real worker and a local push service that checks VAPID and
decrypts each payload as a browser would (docs/notifications.md#push): one delivery per device,
receipts from the service worker, devices that are gone, retries, refusals, job assignments."""
import pytest

from models.integrations.vapid import vapid_public_key
from tests.support.backups import backup, restore
from tests.support.dispatch import Board
from tests.support.notify import Notices
from tests.support.push import Devices, receipt
from tests.support.push_service import Answer, PushService
from tests.support.waiting import wait_for

TECH = "technician"


@pytest.fixture
def service():
    with PushService() as running:
        yield running


@pytest.fixture
def notices(client, auth):
    return Notices(client, auth.a)


@pytest.fixture
def devices(client, auth):
    return Devices(client, auth.a)


@pytest.fixture
def server_key(client, auth):
    """The key the app subscribes with, from the route it reads it from."""
    return client.get("/api/v1/mobile/push/vapid-public-key", headers=auth.a.headers(TECH)).get_json()["publicKey"]


def pushed(notices, auth, **body) -> int:
    (nid,) = notices.sent(recipients={"user_ids": [auth.a.user_ids[TECH]]}, title=body.pop("title", "Heads up"),
                          body="Read me", channels=["push"], **body)
    return nid


def detail(notices, nid) -> dict:
    return notices.detail(nid).get_json()["data"]


def settled(notices, nid) -> dict:
    return wait_for(lambda: (found := detail(notices, nid))["status"] not in ("queued", "scheduled") and found,
                    timeout=20)


def test_each_device_gets_its_own_encrypted_push(notices, devices, auth, service, server_key, app, worker):
    phone, laptop = service.subscribe(application_server_key=server_key), service.subscribe()
    phone_id, laptop_id = devices.add(TECH, phone), devices.add(TECH, laptop)
    nid = pushed(notices, auth, title="Gas leak", url="/jobs/7", priority="high")
    found = settled(notices, nid)
    assert found["status"] == "sent"
    by_target = {d["target"]: d for d in found["deliveries"]}
    assert set(by_target) == {str(phone_id), str(laptop_id)}
    assert all(d["channel"] == "push" and d["status"] == "sent" and d["attempts"] == 1 for d in by_target.values())
    for subscription, ident in ((phone, phone_id), (laptop, laptop_id)):
        (push,) = service.received(subscription)  # decrypted with that browser's private key
        delivery = by_target[str(ident)]
        assert push.payload == {"notificationId": nid, "deliveryId": delivery["id"], "title": "Gas leak",
                                "body": "Read me", "url": "/jobs/7", "receiptToken": push.payload["receiptToken"]}
        assert push.urgency == "high" and push.ttl == "86400"  # admin.message keeps a day
        assert push.vapid_key == server_key == vapid_public_key(app.config)
    assert {d["last_used_at"] is not None for d in devices.of(TECH)} == {True}

    nid = pushed(notices, auth, title="FYI")
    settled(notices, nid)
    assert service.received(phone)[-1].urgency == "normal"


def test_the_service_workers_receipts_mark_the_delivery_delivered_then_clicked(notices, devices, client, auth,
                                                                               service, worker):
    subscription = service.subscribe()
    devices.add(TECH, subscription)
    nid = pushed(notices, auth)
    settled(notices, nid)
    (payload,) = service.delivered(subscription)

    assert receipt(client, payload, "delivered", token=payload["receiptToken"][:-2] + "xx").status_code == 404
    other = receipt(client, {**payload, "deliveryId": payload["deliveryId"] + 1000}, "delivered",
                    token=payload["receiptToken"])
    assert other.status_code == 404 and other.get_json()["error"]["code"] == "NOT_FOUND"
    (delivery,) = detail(notices, nid)["deliveries"]
    assert delivery["status"] == "sent" and delivery["delivered_at"] is None

    assert receipt(client, payload, "delivered").status_code == 204  # no Authorization header
    (delivered,) = detail(notices, nid)["deliveries"]
    assert delivered["status"] == "delivered" and delivered["delivered_at"] and delivered["clicked_at"] is None
    assert receipt(client, payload, "clicked").status_code == 204
    assert receipt(client, payload, "clicked").status_code == 204  # again: nothing changes
    (clicked,) = detail(notices, nid)["deliveries"]
    assert clicked["status"] == "delivered" and clicked["delivered_at"] == delivered["delivered_at"]
    assert clicked["clicked_at"] >= clicked["delivered_at"]
    assert detail(notices, nid)["status"] == "sent"


def test_a_device_whose_subscription_is_gone_is_deactivated_and_pushed_no_more(notices, devices, auth, service,
                                                                               worker):
    gone, kept = service.subscribe(410), service.subscribe()
    gone_id, kept_id = devices.add(TECH, gone), devices.add(TECH, kept)
    found = settled(notices, pushed(notices, auth))
    assert found["status"] == "partially_failed"
    by_target = {d["target"]: d for d in found["deliveries"]}
    assert by_target[str(gone_id)]["status"] == "expired" and by_target[str(gone_id)]["response_status"] == 410
    assert by_target[str(kept_id)]["status"] == "sent"
    (listed,) = [d for d in devices.of(TECH) if d["id"] == gone_id]
    assert listed["is_active"] is False and listed["deactivated_at"] and "410" in listed["deactivated_reason"]

    found = settled(notices, pushed(notices, auth, title="Again"))
    assert [d["target"] for d in found["deliveries"]] == [str(kept_id)]
    assert len(service.received(gone)) == 1 and len(service.received(kept)) == 2


def test_push_off_in_the_preferences_sends_no_push(notices, devices, auth, service, worker):
    devices.add(TECH, service.subscribe())
    assert notices.preferences(TECH, push=False).status_code == 200
    assert notices.sent(recipients={"user_ids": [auth.a.user_ids[TECH]]}, title="Quiet", channels=["push"]) == []
    (nid,) = notices.sent(recipients={"user_ids": [auth.a.user_ids[TECH]]}, title="Inbox only")
    assert [d["channel"] for d in detail(notices, nid)["deliveries"]] == ["in_app"]


def test_a_busy_or_failing_push_service_gets_it_on_a_retry(notices, devices, auth, service, app, monkeypatch,
                                                           worker):
    monkeypatch.setitem(app.config, "DELIVERY_RETRY_SCHEDULE", "1,1")
    busy = service.subscribe(Answer(429, {"Retry-After": "1"}), 201)
    flaky = service.subscribe(500, 500, 201)
    busy_id, flaky_id = devices.add(TECH, busy), devices.add(TECH, flaky)
    nid = pushed(notices, auth)
    found = wait_for(lambda: (d := detail(notices, nid))["status"] == "sent" and d, timeout=30)
    by_target = {d["target"]: d for d in found["deliveries"]}
    assert by_target[str(busy_id)]["attempts"] == 2 and by_target[str(flaky_id)]["attempts"] == 3
    assert [r.status for r in service.received(busy)] == [429, 201]
    assert [r.status for r in service.received(flaky)] == [500, 500, 201]
    assert len(service.delivered(flaky)) == 1


def test_a_push_the_service_refuses_fails(notices, devices, auth, service, worker):
    refused = service.subscribe(400)
    devices.add(TECH, refused)
    found = settled(notices, pushed(notices, auth))
    (delivery,) = found["deliveries"]
    assert found["status"] == "failed" and delivery["status"] == "failed" and delivery["attempts"] == 1
    assert delivery["response_status"] == 400 and "400" in delivery["last_error"]
    assert devices.of(TECH)[0]["is_active"] is True  # refused once is not gone


def test_a_device_whose_address_turned_private_is_not_pushed_to(notices, devices, auth, service, app, monkeypatch,
                                                                worker):
    devices.add(TECH, service.subscribe(201))  # registered while private addresses were allowed (tests)
    monkeypatch.setitem(app.config, "PUSH_ALLOW_PRIVATE_ENDPOINTS", False)  # ...as a real deployment has it
    found = settled(notices, pushed(notices, auth))
    (delivery,) = found["deliveries"]
    assert delivery["status"] == "failed" and "Not sent" in delivery["last_error"]
    assert service.requests == []  # checked again at send time, before any request


def test_an_assigned_job_is_pushed_to_the_technician_and_an_urgent_one_urgently(client, auth, devices, service,
                                                                                worker):
    subscription = service.subscribe()
    devices.add(TECH, subscription)
    board = Board(client, auth.a)
    tech = board.technician("Terry Tech", user_id=auth.a.user_ids[TECH])
    customer = board.customer()["id"]
    routine, urgent = board.job(customer, "Filter swap", priority="low"), board.job(customer, "Burst pipe",
                                                                                   priority="urgent")
    assert board.assign(routine["id"], tech["id"]).status_code == 200
    (first,) = service.wait_for(1, subscription)
    assert first.payload["title"] == "New job: Filter swap" and first.payload["url"] == f"/jobs/{routine['id']}"
    assert first.urgency == "normal" and first.ttl == str(4 * 60 * 60)
    assert board.assign(urgent["id"], tech["id"]).status_code == 200
    second = service.wait_for(2, subscription)[1]
    assert second.payload["title"] == "Urgent job: Burst pipe" and second.urgency == "high"


def test_devices_travel_in_a_backup(client, auth, devices, service, worker):
    subscription = service.subscribe()
    ident = devices.add(TECH, subscription)
    taken = backup(client, auth.a)
    assert client.delete(f"/api/v1/push/subscriptions/{ident}", headers=auth.a.headers(TECH)).status_code == 204
    assert restore(client, auth.a, taken["id"])["status"] == "succeeded"
    (device,) = devices.of(TECH)
    assert device["id"] == ident and device["endpoint"] == subscription.endpoint and device["is_active"] is True

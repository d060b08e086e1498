"""The Web Push adapter against a local push service that checks VAPID and decrypts as a browser would."""
import logging
import socket
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from models.core.ports import FAILED, GONE, RETRY, SENT, PushSubscription
from models.integrations import registry
from models.integrations.vapid import generate_private_pem, vapid_public_key
from models.integrations.webpush import NullPushSender, WebPushSender
from scripts.services import free_port
from tests.support.push_service import Answer, PushService

PAYLOAD = {"notificationId": 7, "deliveryId": 41, "title": "New job", "body": "Boiler at 12 Elm St",
           "url": "/jobs/7", "receiptToken": "r-0123456789"}


@pytest.fixture(scope="module")
def service():
    with PushService() as running:
        yield running


@pytest.fixture(scope="module")
def config():
    return {"VAPID_PRIVATE_KEY": generate_private_pem(), "VAPID_SUBJECT": "mailto:ops@example.com"}


@pytest.fixture(scope="module")
def sender(config):
    return WebPushSender(config["VAPID_PRIVATE_KEY"], config["VAPID_SUBJECT"])


@pytest.fixture
def device(service, config):
    """A browser subscribed with this server's applicationServerKey, as the app's service worker does."""
    return service.subscribe(application_server_key=vapid_public_key(config))


def test_the_browser_decrypts_what_was_sent_with_its_ttl_and_urgency(service, sender, device):
    result = sender.send(device, PAYLOAD, ttl=3600, urgency="high")

    assert (result.outcome, result.response_status) == (SENT, 201)
    [push] = service.received(device)
    assert push.payload == PAYLOAD
    assert (push.ttl, push.urgency, push.headers["content-encoding"]) == ("3600", "high", "aes128gcm")
    assert push.claims["sub"] == "mailto:ops@example.com" and push.claims["aud"] == service.url
    assert result.request_headers == {"TTL": "3600", "Urgency": "high", "Content-Encoding": "aes128gcm"}


def test_normal_urgency_and_each_message_encrypted_anew(service, sender, device):
    assert sender.send(device, {"n": 1}, ttl=60, urgency="normal").outcome == SENT
    assert sender.send(device, {"n": 2}, ttl=60, urgency="normal").outcome == SENT

    first, second = service.received(device)
    assert [first.payload, second.payload] == [{"n": 1}, {"n": 2}] and first.urgency == "normal"


def test_the_public_key_for_browsers_is_the_key_that_signs(service, sender, device, config):
    sender.send(device, PAYLOAD, ttl=60, urgency="normal")

    assert service.received(device)[0].vapid_key == vapid_public_key(config)


def test_a_subscription_made_for_another_server_key_is_refused(service, sender):
    other = service.subscribe(application_server_key=vapid_public_key({"VAPID_PRIVATE_KEY": generate_private_pem()}))

    result = sender.send(other, PAYLOAD, ttl=60, urgency="normal")

    assert (result.outcome, result.response_status) == (FAILED, 403)
    assert service.delivered(other) == []


@pytest.mark.parametrize("status", [410, 404])
def test_an_ended_subscription_is_gone(service, sender, status):
    ended = service.subscribe(status)

    result = sender.send(ended, PAYLOAD, ttl=60, urgency="normal")

    assert (result.outcome, result.response_status) == (GONE, status)


def test_too_many_requests_is_retried_after_what_the_service_said(service, sender):
    busy = service.subscribe(Answer(429, {"Retry-After": "120"}), 201)

    first = sender.send(busy, PAYLOAD, ttl=60, urgency="normal")
    second = sender.send(busy, PAYLOAD, ttl=60, urgency="normal")

    assert (first.outcome, first.response_status, first.retry_after) == (RETRY, 429, 120.0)
    assert second.outcome == SENT and service.delivered(busy) == [PAYLOAD]


def test_retry_after_as_an_http_date(service, sender):
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=600), usegmt=True)
    down = service.subscribe(Answer(503, {"Retry-After": later}))

    result = sender.send(down, PAYLOAD, ttl=60, urgency="normal")

    assert result.outcome == RETRY and 500 < result.retry_after <= 600


def test_server_errors_are_retried_until_the_service_takes_it(service, sender):
    flaky = service.subscribe(500, 502, 201)

    outcomes = [sender.send(flaky, PAYLOAD, ttl=60, urgency="normal").outcome for _ in range(3)]

    assert outcomes == [RETRY, RETRY, SENT]
    assert service.delivered(flaky) == [PAYLOAD]


@pytest.mark.parametrize("status", [400, 413])
def test_other_refusals_fail_for_good(service, sender, status):
    refusing = service.subscribe(Answer(status, body="payload too large" if status == 413 else "bad request"))

    result = sender.send(refusing, PAYLOAD, ttl=60, urgency="normal")

    assert (result.outcome, result.response_status, result.retry_after) == (FAILED, status, None)
    assert result.response_body in ("bad request", "payload too large")


def test_an_unreachable_service_is_retried(device, sender):
    nowhere = PushSubscription(f"http://127.0.0.1:{free_port()}/push/x", device.p256dh, device.auth)

    result = sender.send(nowhere, PAYLOAD, ttl=60, urgency="normal")

    assert result.outcome == RETRY and result.response_status is None


def test_a_service_that_does_not_answer_in_time_is_retried(device, config):
    with socket.socket() as silent:  # accepts connections (backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        hung = PushSubscription(f"http://127.0.0.1:{silent.getsockname()[1]}/push/x", device.p256dh, device.auth)

        result = WebPushSender(config["VAPID_PRIVATE_KEY"], config["VAPID_SUBJECT"], timeout=0.5).send(
            hung, PAYLOAD, ttl=60, urgency="normal")

    assert result.outcome == RETRY and "Timeout" in result.error


def test_a_subscription_with_broken_keys_fails(service, sender, device):
    broken = PushSubscription(device.endpoint, "not-a-key", device.auth)

    result = sender.send(broken, PAYLOAD, ttl=60, urgency="normal")

    assert result.outcome == FAILED and service.received(device) == []


def test_without_a_vapid_key_push_is_not_configured(device):
    sender = registry.push_sender({"VAPID_PRIVATE_KEY": None})

    assert isinstance(sender, NullPushSender)
    assert sender.send(device, PAYLOAD, ttl=60, urgency="high").error == "push not configured"


def test_the_registry_keeps_one_sender_per_configuration(config):
    first, again = registry.push_sender(dict(config)), registry.push_sender(dict(config))
    other = registry.push_sender({**config, "VAPID_PRIVATE_KEY": generate_private_pem()})

    assert isinstance(first, WebPushSender) and first is again and other is not first


def test_neither_the_payload_nor_the_key_is_logged(service, sender, device, config, caplog):
    caplog.set_level(logging.DEBUG)
    secret_body = "temporary password: Zq7-unique-push-body"
    gone = service.subscribe(410)

    for subscription in (device, gone, PushSubscription(f"http://127.0.0.1:{free_port()}/p", device.p256dh,
                                                        device.auth)):
        sender.send(subscription, {**PAYLOAD, "body": secret_body}, ttl=60, urgency="high")

    key_lines = config["VAPID_PRIVATE_KEY"].strip().splitlines()[1:-1]
    assert secret_body not in caplog.text and not any(line in caplog.text for line in key_lines)
    assert config["VAPID_PRIVATE_KEY"] not in repr(sender)

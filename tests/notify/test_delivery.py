"""Deliveries with a real worker: scheduled sends fire (and cancelled ones never do), email through a
local SMTP relay, retried when the relay says try later (docs/notifications.md)."""
import logging
from datetime import timedelta

import pytest

from models.core.db import utcnow
from tests.support.notify import ADMIN, Notices, notify_now
from tests.support.smtp_server import SmtpServer
from tests.support.waiting import wait_for


@pytest.fixture
def notices(client, auth):
    return Notices(client, auth.a)


@pytest.fixture
def relay(app, monkeypatch):
    with SmtpServer() as server:
        monkeypatch.setitem(app.config, "SMTP_URL", server.url)
        monkeypatch.setitem(app.config, "MAIL_FROM", "FieldOps <noreply@fieldops.test>")
        yield server


def iso(moment):
    return moment.isoformat().replace("+00:00", "Z")


def status_of(notices, nid):
    return notices.detail(nid).get_json()["data"]


def test_a_scheduled_notification_fires_and_a_cancelled_one_never_does(notices, client, auth, worker):
    target = {"user_ids": [auth.a.user_ids["technician"]]}
    (cancelled,) = notices.sent(recipients=target, title="Never", send_at=iso(utcnow() + timedelta(seconds=1)))
    (fires,) = notices.sent(recipients=target, title="Later", send_at=iso(utcnow() + timedelta(seconds=2)))
    assert status_of(notices, fires)["status"] == "scheduled"
    assert notices.inbox("technician") == [] and notices.unread("technician") == 0
    r = client.post(f"{ADMIN}/{cancelled}/cancel", headers=auth.a.headers())
    assert r.status_code == 200 and r.get_json()["data"]["status"] == "cancelled"
    assert [d["status"] for d in r.get_json()["data"]["deliveries"]] == ["cancelled"]

    wait_for(lambda: notices.inbox("technician"), timeout=20)
    assert [n["title"] for n in notices.inbox("technician")] == ["Later"]
    assert status_of(notices, fires)["status"] == "sent"
    assert status_of(notices, cancelled)["status"] == "cancelled"
    assert client.post(f"{ADMIN}/{cancelled}/cancel", headers=auth.a.headers()).status_code == 409


def test_email_carries_the_kinds_templates_escaped(notices, auth, relay, worker):
    (nid,) = notices.sent(recipients={"user_ids": [auth.a.user_ids["support"]]}, title="Fish & <chips>",
                          body="Friday <b>lunch</b>", url="https://fieldops.test/menu", channels=["email"])
    (mail,) = relay.wait_for(1)
    assert mail.to == [auth.a.email("support")] and mail.subject == "Fish & <chips>"
    assert "Friday <b>lunch</b>" in mail.text and "https://fieldops.test/menu" in mail.text
    assert "Friday &lt;b&gt;lunch&lt;/b&gt;" in mail.html and "Fish &amp; &lt;chips&gt;" in mail.html
    wait_for(lambda: status_of(notices, nid)["status"] == "sent")
    (delivery,) = status_of(notices, nid)["deliveries"]
    assert delivery["status"] == "sent" and delivery["attempts"] == 1


def test_a_temporary_password_is_mailed_and_never_logged(app, auth, relay, worker, caplog):
    caplog.set_level(logging.DEBUG)
    notify_now(app, auth.a, [auth.a.user_ids["technician"]], "account.temporary_password",
               "Your temporary password", "Tmp-Secret-8841")
    (mail,) = relay.wait_for(1)
    assert "Tmp-Secret-8841" in mail.text and "Tmp-Secret-8841" in mail.html
    assert "Tmp-Secret-8841" not in caplog.text


def test_a_relay_that_says_try_later_gets_the_mail_on_a_retry(app, notices, auth, relay, worker, monkeypatch):
    monkeypatch.setitem(app.config, "DELIVERY_RETRY_SCHEDULE", "1,1")
    address = auth.a.email("support")
    relay.refuse[address] = "451 4.3.0 Mailbox busy, try again later"
    (nid,) = notices.sent(recipients={"user_ids": [auth.a.user_ids["support"]]}, title="Persistent",
                          channels=["email"])
    first = wait_for(lambda: (d := status_of(notices, nid)["deliveries"][0])["attempts"] == 1
                     and d["status"] == "queued" and d)
    assert first["response_status"] == 451 and "451" in first["last_error"]
    del relay.refuse[address]
    (mail,) = relay.wait_for(1)
    assert mail.subject == "Persistent"
    wait_for(lambda: status_of(notices, nid)["status"] == "sent")
    (delivery,) = status_of(notices, nid)["deliveries"]
    assert delivery["attempts"] == 2 and delivery["status"] == "sent"


def test_a_relay_that_refuses_for_good_fails_it(notices, auth, relay, worker):
    relay.refuse[auth.a.email("support")] = "550 5.1.1 No such user"
    ids = notices.sent(recipients={"user_ids": [auth.a.user_ids["support"]]}, title="Both", channels=["in_app", "email"])
    wait_for(lambda: status_of(notices, ids[0])["status"] == "partially_failed")
    assert sorted((d["channel"], d["status"]) for d in status_of(notices, ids[0])["deliveries"]) == [
        ("email", "failed"), ("in_app", "sent")]

"""The mail adapters: SMTP against a local aiosmtpd relay, and .eml files for development."""
import logging
from email import message_from_bytes, policy

import pytest

from models.core.ports import FAILED, RETRY, SENT, MailMessage
from models.integrations import registry
from models.integrations.mail import FileMailer, SmtpMailer
from scripts.services import free_port
from tests.support.smtp_server import SmtpServer

FROM = "FieldOps <noreply@fieldops.example>"
PASSWORD = "pa:ss/w@rd-Xy9"  # URL-special characters, percent-encoded in the URL
QUOTED_PASSWORD = "pa%3Ass%2Fw%40rd-Xy9"
WELCOME = MailMessage(to="ana@example.com", subject="Your FieldOps account",
                      text="Your temporary password is Tmp-4821-Kq.\nSign in at https://fieldops.example/login",
                      html="<p>Your temporary password is <b>Tmp-4821-Kq</b>.</p>",
                      headers={"X-FieldOps-Kind": "account.created"})


@pytest.fixture(scope="module")
def relay():
    with SmtpServer(refuse={"nobody@example.com": "550 5.1.1 <nobody@example.com>: no such user",
                            "full@example.com": "452 4.2.2 Mailbox full"}) as running:
        yield running


@pytest.fixture(scope="module")
def secure_relay():
    with SmtpServer(starttls=True, auth=("mailer", PASSWORD),
                    refuse={"nobody@example.com": "550 5.1.1 <nobody@example.com>: no such user"}) as running:
        yield running


def secure_url(relay: SmtpServer, password: str = QUOTED_PASSWORD) -> str:
    return f"smtp://mailer:{password}@{relay.host}:{relay.port}"


def test_the_mail_arrives_with_its_recipient_subject_and_both_bodies(relay):
    before = len(relay.messages)

    result = SmtpMailer(relay.url, False, FROM, 5).send(WELCOME)

    assert result.outcome == SENT
    mail = relay.wait_for(before + 1)[-1]
    assert mail.to == ["ana@example.com"] and mail.mail_from == "noreply@fieldops.example"
    assert mail.subject == "Your FieldOps account" and mail.message["From"] == FROM
    assert mail.text.strip() == WELCOME.text and mail.html.strip() == WELCOME.html
    assert mail.message.get_content_type() == "multipart/alternative"
    assert mail.message["Message-ID"] == result.request_headers["Message-ID"]
    assert mail.message["Message-ID"].endswith("@fieldops.example>") and mail.message["Date"]
    assert mail.message["X-FieldOps-Kind"] == "account.created"


def test_starttls_and_login(secure_relay):
    mailer = SmtpMailer(secure_url(secure_relay), True, FROM, 5, ca_file=secure_relay.ca_file)
    before = len(secure_relay.messages)

    result = mailer.send(WELCOME)

    assert result.outcome == SENT
    mail = secure_relay.wait_for(before + 1)[-1]
    assert (mail.tls, mail.login, mail.to) == (True, "mailer", ["ana@example.com"])


def test_implicit_tls_with_smtps():
    with SmtpServer(implicit_tls=True, auth=("mailer", PASSWORD)) as relay:
        result = SmtpMailer(relay.url.replace(PASSWORD, QUOTED_PASSWORD), False, FROM, 5,
                            ca_file=relay.ca_file).send(WELCOME)

        assert result.outcome == SENT and relay.wait_for(1)[0].tls


def test_a_relay_whose_certificate_is_not_trusted_gets_nothing(secure_relay):
    before = len(secure_relay.messages)

    result = SmtpMailer(secure_url(secure_relay), True, FROM, 5).send(WELCOME)  # the system's CAs only

    assert result.outcome == RETRY and "SSLCertVerificationError" in result.error
    assert len(secure_relay.messages) == before


def test_wrong_credentials_fail(secure_relay):
    result = SmtpMailer(secure_url(secure_relay, "wrong"), True, FROM, 5, ca_file=secure_relay.ca_file).send(WELCOME)

    assert (result.outcome, result.response_status) == (FAILED, 535)


def test_a_refused_recipient_fails_for_good(relay):
    result = SmtpMailer(relay.url, False, FROM, 5).send(MailMessage("nobody@example.com", "Hi", "text", "<p>html</p>"))

    assert (result.outcome, result.response_status) == (FAILED, 550)
    assert "no such user" in result.error and relay.to("nobody@example.com") == []


def test_a_temporary_refusal_is_retried(relay):
    result = SmtpMailer(relay.url, False, FROM, 5).send(MailMessage("full@example.com", "Hi", "text", "<p>html</p>"))

    assert (result.outcome, result.response_status) == (RETRY, 452)


def test_an_unreachable_relay_is_retried():
    result = SmtpMailer(f"smtp://127.0.0.1:{free_port()}", False, FROM, 2).send(WELCOME)

    assert result.outcome == RETRY and "ConnectionRefusedError" in result.error


def test_a_relay_without_starttls_is_not_sent_the_password_in_the_clear(relay):
    result = SmtpMailer(f"smtp://mailer:{QUOTED_PASSWORD}@{relay.host}:{relay.port}", True, FROM, 5).send(WELCOME)

    assert result.outcome == FAILED and "STARTTLS" in result.error


def test_the_file_mailer_writes_a_readable_eml(tmp_path):
    directory = tmp_path / "storage" / "mail"

    result = FileMailer(directory, FROM).send(WELCOME)

    assert result.outcome == SENT
    [path] = directory.glob("*.eml")
    mail = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert (mail["To"], mail["From"], mail["Subject"]) == ("ana@example.com", FROM, "Your FieldOps account")
    assert mail.get_body(("plain",)).get_content().strip() == WELCOME.text
    assert mail.get_body(("html",)).get_content().strip() == WELCOME.html
    assert mail["Message-ID"] == result.request_headers["Message-ID"]


def test_the_registry_writes_files_without_a_relay_and_keeps_one_mailer(tmp_path, relay):
    files = registry.mailer({"STORAGE_DIR": str(tmp_path), "MAIL_FROM": FROM})
    smtp = registry.mailer({"SMTP_URL": secure_url(relay), "SMTP_STARTTLS": True, "MAIL_FROM": FROM,
                            "SMTP_TIMEOUT": 5, "STORAGE_DIR": str(tmp_path)})

    assert isinstance(files, FileMailer) and files.directory == tmp_path / "mail"
    assert files is registry.mailer({"STORAGE_DIR": str(tmp_path), "MAIL_FROM": FROM})
    assert isinstance(smtp, SmtpMailer) and (smtp.host, smtp.port, smtp.user, smtp.starttls) == (
        relay.host, relay.port, "mailer", True)
    assert PASSWORD not in repr(smtp) and QUOTED_PASSWORD not in repr(smtp)


def test_neither_the_password_nor_the_body_is_logged(relay, secure_relay, caplog):
    caplog.set_level(logging.DEBUG)
    attempts = [
        (SmtpMailer(secure_url(secure_relay), True, FROM, 5, ca_file=secure_relay.ca_file), WELCOME),  # sent
        (SmtpMailer(secure_url(secure_relay), True, FROM, 5), WELCOME),  # untrusted certificate
        (SmtpMailer(secure_url(relay), True, FROM, 5), WELCOME),  # no STARTTLS offered
        (SmtpMailer(secure_url(secure_relay), True, FROM, 5, ca_file=secure_relay.ca_file),
         MailMessage("nobody@example.com", WELCOME.subject, WELCOME.text, WELCOME.html)),
        (SmtpMailer(f"smtp://mailer:{QUOTED_PASSWORD}@127.0.0.1:{free_port()}", True, FROM, 2), WELCOME),
    ]

    results = [mailer.send(message) for mailer, message in attempts]

    assert results[0].outcome == SENT and {r.outcome for r in results[1:]} <= {RETRY, FAILED}
    seen = caplog.text + "".join(f"{r.error} {r.response_body} {r.request_headers}" for r in results)
    for secret in (PASSWORD, QUOTED_PASSWORD, "Tmp-4821-Kq"):
        assert secret not in seen

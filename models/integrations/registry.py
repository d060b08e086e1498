"""The adapters the configuration picks, one per process for the same settings.

- push: `WebPushSender` with `VAPID_PRIVATE_KEY` and `VAPID_SUBJECT`; `NullPushSender` without a key.
- mail: `SmtpMailer` with `SMTP_URL` (`SMTP_STARTTLS`, `MAIL_FROM`, `SMTP_TIMEOUT`, `SMTP_CA_FILE`);
  without it, `FileMailer` into `STORAGE_DIR/mail`."""
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from models.core.ports import Mailer, PushSender
from models.integrations.mail import DEFAULT_FROM, FileMailer, SmtpMailer
from models.integrations.webpush import NullPushSender, WebPushSender

DEFAULT_SUBJECT = "mailto:admin@localhost"


def push_sender(config: Mapping) -> PushSender:
    return _push_sender(config.get("VAPID_PRIVATE_KEY"), config.get("VAPID_SUBJECT") or DEFAULT_SUBJECT)


def mailer(config: Mapping) -> Mailer:
    mail_from = config.get("MAIL_FROM") or DEFAULT_FROM
    if not config.get("SMTP_URL"):
        return _file_mailer(str(Path(config["STORAGE_DIR"]) / "mail"), mail_from)
    return _smtp_mailer(config["SMTP_URL"], bool(config.get("SMTP_STARTTLS")), mail_from,
                        float(config.get("SMTP_TIMEOUT") or 10), config.get("SMTP_CA_FILE"))


@lru_cache(maxsize=8)
def _push_sender(private_key: str | None, subject: str) -> PushSender:
    return WebPushSender(private_key, subject) if private_key else NullPushSender()


@lru_cache(maxsize=8)
def _smtp_mailer(url: str, starttls: bool, mail_from: str, timeout: float, ca_file: str | None) -> SmtpMailer:
    return SmtpMailer(url, starttls, mail_from, timeout, ca_file)


@lru_cache(maxsize=8)
def _file_mailer(directory: str, mail_from: str) -> FileMailer:
    return FileMailer(directory, mail_from)

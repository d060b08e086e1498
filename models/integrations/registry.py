"""The adapters the configuration picks, one per process for the same settings.

- push: `WebPushSender` with `VAPID_PRIVATE_KEY` and `VAPID_SUBJECT`; `NullPushSender` without a key.
- mail: `SmtpMailer` with `SMTP_URL` (`SMTP_STARTTLS`, `MAIL_FROM`, `SMTP_TIMEOUT`, `SMTP_CA_FILE`);
  without it, `FileMailer` into `STORAGE_DIR/mail`.
- payments: `PAYMENT_PROVIDER` (`stripe` with `STRIPE_API_KEY`, `STRIPE_API_BASE`, `STRIPE_TIMEOUT`;
  `sandbox`), by default `stripe` when a key is set, else `sandbox`. A payment is refunded through the
  provider that charged it (`payment_provider(config, name=payment.provider)`)."""
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from models.core.ports import Mailer, PaymentProvider, PushSender
from models.integrations.mail import DEFAULT_FROM, FileMailer, SmtpMailer
from models.integrations.sandbox_payments import SandboxPayments
from models.integrations.stripe_payments import StripePayments
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


def payment_provider(config: Mapping, name: str | None = None) -> PaymentProvider:
    """The configured provider, or the one called `name` (the provider a payment was charged by)."""
    name = name or config.get("PAYMENT_PROVIDER") or ("stripe" if config.get("STRIPE_API_KEY") else "sandbox")
    if name == "sandbox":
        return SandboxPayments()
    if name == "stripe":
        if not config.get("STRIPE_API_KEY"):
            raise RuntimeError("PAYMENT_PROVIDER=stripe needs STRIPE_API_KEY")
        return _stripe(config["STRIPE_API_KEY"], config.get("STRIPE_API_BASE") or None,
                       float(config.get("STRIPE_TIMEOUT") or 20))
    raise RuntimeError(f"Unknown PAYMENT_PROVIDER {name!r}: use sandbox or stripe")


@lru_cache(maxsize=8)
def _stripe(api_key: str, api_base: str | None, timeout: float) -> StripePayments:
    return StripePayments(api_key, api_base, timeout)


@lru_cache(maxsize=8)
def _push_sender(private_key: str | None, subject: str) -> PushSender:
    return WebPushSender(private_key, subject) if private_key else NullPushSender()


@lru_cache(maxsize=8)
def _smtp_mailer(url: str, starttls: bool, mail_from: str, timeout: float, ca_file: str | None) -> SmtpMailer:
    return SmtpMailer(url, starttls, mail_from, timeout, ca_file)


@lru_cache(maxsize=8)
def _file_mailer(directory: str, mail_from: str) -> FileMailer:
    return FileMailer(directory, mail_from)

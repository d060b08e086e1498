"""Mail: to an SMTP relay (`SmtpMailer`), or into `.eml` files when no relay is configured
(`FileMailer`, development). docs/operations.md#mail

Bodies carry temporary passwords and sign-in links, and the relay's URL carries its password:
neither is ever logged nor put in an error."""
import logging
import os
import smtplib
import ssl
import time
import uuid
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from models.core.ports import FAILED, RETRY, SENT, MailMessage, SendResult

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
DEFAULT_FROM = "FieldOps <noreply@localhost>"


def build_message(message: MailMessage, mail_from: str) -> EmailMessage:
    """The message as sent: text and HTML alternatives, From, To, Subject, Date and a Message-ID."""
    mail = EmailMessage()
    for name, value in message.headers.items():
        if name.lower() not in ("message-id", "from", "to", "subject", "date"):
            mail[name] = value
    mail["From"] = mail_from
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(datetime.now(timezone.utc))
    mail["Message-ID"] = make_msgid(domain=_domain_of(mail_from))
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    return mail


def _domain_of(address: str) -> str:
    domain = parseaddr(address)[1].rpartition("@")[2]
    return domain or "localhost"


class SmtpMailer:
    """Sends through the relay at `url`: `smtp://[user:password@]host[:port]` (port 25; STARTTLS when
    `starttls`) or `smtps://...` (TLS from the first byte, port 465). `ca_file` is a PEM bundle to trust
    instead of the system's certificate authorities (a relay with its own CA)."""

    def __init__(self, url: str, starttls: bool, mail_from: str, timeout: float = 10.0, ca_file: str | None = None):
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ValueError("SMTP_URL must be smtp://[user:password@]host[:port] or smtps://...")
        self.implicit_tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or DEFAULT_PORTS[parts.scheme]
        self.user = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password or "")
        self.starttls = starttls and not self.implicit_tls
        self.mail_from = mail_from
        self.timeout = timeout
        self._tls = ssl.create_default_context(cafile=ca_file)

    def __repr__(self):
        return f"SmtpMailer({self.relay!r}, user={self.user!r}, starttls={self.starttls})"

    @property
    def relay(self) -> str:
        """The relay without its credentials, for logs and errors."""
        return f"{'smtps' if self.implicit_tls else 'smtp'}://{self.host}:{self.port}"

    def send(self, message: MailMessage) -> SendResult:
        mail = build_message(message, self.mail_from)
        headers = {"Message-ID": mail["Message-ID"], "To": message.to}
        started = time.monotonic()
        try:
            with self._connect() as smtp:
                if self.starttls:
                    smtp.starttls(context=self._tls)
                if self.user:
                    smtp.login(self.user, self._password)
                smtp.send_message(mail, from_addr=parseaddr(self.mail_from)[1], to_addrs=[message.to])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            return self._refused(code, reply, started, headers)
        except smtplib.SMTPResponseException as exc:  # sender refused, data refused, login refused, ...
            return self._refused(exc.smtp_code, exc.smtp_error, started, headers)
        except smtplib.SMTPNotSupportedError as exc:
            log.warning("mail to the relay %s not sent: %s", self.relay, exc)
            return SendResult(FAILED, error=f"the relay does not support it: {exc}", duration_ms=_since(started),
                              request_headers=headers)
        except (smtplib.SMTPException, OSError) as exc:  # refused, timed out, TLS failed, disconnected
            log.warning("mail relay %s: no answer (%s)", self.relay, type(exc).__name__)
            return SendResult(RETRY, error=f"the relay {self.relay} did not answer ({type(exc).__name__})",
                              duration_ms=_since(started), request_headers=headers)
        return SendResult(SENT, duration_ms=_since(started), request_headers=headers)

    def _connect(self) -> smtplib.SMTP:
        if self.implicit_tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self._tls)
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def _refused(self, code: int, reply, started: float, headers: dict) -> SendResult:
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        outcome = FAILED if 500 <= code < 600 else RETRY
        log.warning("mail relay %s answered %s", self.relay, code)
        return SendResult(outcome, response_status=code, error=f"{code} {text}"[:500], response_body=text[:4096],
                          duration_ms=_since(started), request_headers=headers)


class FileMailer:
    """Writes each message as `<UTC time>-<id>.eml` under `directory` (created as needed)."""

    def __init__(self, directory: str | os.PathLike, mail_from: str = DEFAULT_FROM):
        self.directory = Path(directory)
        self.mail_from = mail_from

    def __repr__(self):
        return f"FileMailer({str(self.directory)!r})"

    def send(self, message: MailMessage) -> SendResult:
        mail = build_message(message, self.mail_from)
        name = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:12]}.eml"
        path = self.directory / name
        tmp = self.directory / f".{name}.{os.getpid()}.part"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(bytes(mail))
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            return SendResult(RETRY, error=f"could not write the mail ({type(exc).__name__})")
        return SendResult(SENT, request_headers={"Message-ID": mail["Message-ID"], "To": message.to},
                          response_body=str(path))



def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)

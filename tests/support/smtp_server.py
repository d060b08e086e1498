"""A local SMTP relay (aiosmtpd) on 127.0.0.1 collecting what it is handed.

    with SmtpServer() as relay:                                   # plain SMTP, no auth
        ...; relay.messages[0].subject, .to, .text, .html
    with SmtpServer(starttls=True, auth=("mailer", "s3cret"), refuse={"bad@example.com": "550 5.1.1 No such user"}):
        relay.url, relay.ca_file  # smtp://mailer:s3cret@127.0.0.1:<port>, the CA that signed its certificate

With `starttls` (or `implicit_tls`, for smtps://) it presents a certificate for 127.0.0.1 and localhost,
signed by a throwaway CA generated at start (`ca_file`). With `auth`, it requires AUTH (over TLS when
TLS is on) and refuses other credentials with 535."""
import asyncio
import ipaddress
import logging
import shutil
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from scripts.services import free_port
from tests.support.holding import Hold

# aiosmtpd's own lines: its debug ones would show bodies, and it warns about its own use of login_data.
logging.getLogger("mail.log").setLevel(logging.ERROR)


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    to: list[str]  # the envelope's recipients
    message: EmailMessage
    tls: bool  # whether it travelled over TLS
    login: str | None  # who authenticated

    @property
    def subject(self) -> str:
        return self.message["Subject"]

    @property
    def text(self) -> str | None:
        part = self.message.get_body(("plain",))
        return part.get_content() if part else None

    @property
    def html(self) -> str | None:
        part = self.message.get_body(("html",))
        return part.get_content() if part else None


class SmtpServer:
    def __init__(self, *, starttls: bool = False, implicit_tls: bool = False, auth: tuple[str, str] | None = None,
                 refuse: dict[str, str] | None = None):
        self.auth = auth
        self.refuse = {address.lower(): reply for address, reply in (refuse or {}).items()}
        self.messages: list[ReceivedMail] = []
        self.hold = Hold()  # `hold.arm()`: the next mail is recorded, then its 250 waits for `hold.release()`
        self._lock = threading.Condition()
        self._dir = Path(tempfile.mkdtemp(prefix="fieldops-smtp-"))
        self.ca_file = None
        tls = None
        if starttls or implicit_tls:
            tls, self.ca_file = _tls_context(self._dir)
        self.host, self.port = "127.0.0.1", free_port()
        self.implicit_tls = implicit_tls
        options = dict(tls_context=tls, require_starttls=starttls) if starttls else {}
        if auth:
            # aiosmtpd counts only STARTTLS as TLS: over smtps:// it offers AUTH (and checks it) without requiring it.
            options.update(authenticator=self._authenticate, auth_required=not implicit_tls,
                           auth_require_tls=starttls)
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port,
                                      ssl_context=tls if implicit_tls else None, server_hostname="localhost",
                                      **options)
        self._controller.start()

    @property
    def url(self) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp"
        credentials = f"{self.auth[0]}:{self.auth[1]}@" if self.auth else ""
        return f"{scheme}://{credentials}{self.host}:{self.port}"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._controller.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedMail]:
        """Block until `count` messages arrived; fails after `timeout`."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.messages)} mails arrived, not {count}")
                self._lock.wait(left)
            return list(self.messages)

    def to(self, address: str) -> list[ReceivedMail]:
        return [m for m in self.messages if address in m.to]

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) == \
            tuple(self.auth)
        return AuthResult(success=ok, handled=False, auth_data=auth_data)  # unhandled: aiosmtpd answers 535

    def _received(self, mail: ReceivedMail):
        with self._lock:
            self.messages.append(mail)
            self._lock.notify_all()


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        refusal = self.server.refuse.get(address.lower())
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = (envelope.original_content or envelope.content).replace(b"\r\n", b"\n")
        message = message_from_bytes(raw, policy=policy.default)
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        self.server._received(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message,
                                           tls=server.transport.get_extra_info("ssl_object") is not None, login=login))
        await asyncio.get_running_loop().run_in_executor(None, self.server.hold.pause_here)
        return "250 Message accepted for delivery"


def _tls_context(directory: Path) -> tuple[ssl.SSLContext, str]:
    """A server context with a certificate for 127.0.0.1/localhost, and the file of the CA that signed it."""
    now = datetime.now(timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "FieldOps test SMTP CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
          .not_valid_after(now + timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    ca_file, cert_file, key_file = directory / "ca.pem", directory / "cert.pem", directory / "key.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context, str(ca_file)

"""Ports: what the domain needs from the world outside, as protocols. Adapters live in
models/integrations/ and are picked by configuration (models.integrations.registry);
tests run local servers that speak the real protocol behind the same adapters.

Every send answers with a `SendResult`, never an exception for what the far side
said: the delivery seam (models.core.deliveries) decides from it whether the
delivery is sent, retried later or failed for good."""
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class SendResult:
    """What one attempt to send came to.

    `outcome` is one of:
    - "sent": the far side accepted it;
    - "retry": a transient failure (timeout, connection refused, 429, 5xx); try again later,
      not before `retry_after` seconds when the far side said so;
    - "gone": the address no longer exists (a push subscription answered 404/410);
    - "failed": refused for good (another 4xx, a malformed address)."""

    outcome: str
    response_status: int | None = None
    error: str | None = None
    retry_after: float | None = None
    response_body: str | None = None  # the first 4 KB, for the delivery log
    duration_ms: int | None = None
    request_headers: dict = field(default_factory=dict)  # as sent, secrets left out


SENT, RETRY, GONE, FAILED = "sent", "retry", "gone", "failed"


@dataclass(frozen=True)
class PushSubscription:
    """A browser's Web Push subscription (the PushSubscription JSON of the Push API)."""

    endpoint: str
    p256dh: str  # the browser's public key, base64url
    auth: str  # the shared auth secret, base64url


class PushSender(Protocol):
    def send(self, subscription: PushSubscription, payload: dict, *, ttl: int, urgency: str) -> SendResult:
        """Encrypt `payload` (JSON) for the subscription and post it to its push service."""


@dataclass(frozen=True)
class MailMessage:
    to: str
    subject: str
    text: str
    html: str
    headers: dict = field(default_factory=dict)  # extra headers (Message-ID is set by the mailer)


class Mailer(Protocol):
    def send(self, message: MailMessage) -> SendResult:
        """Hand the message to the relay (or wherever the adapter keeps mail)."""


class HttpSender(Protocol):
    def post(self, url: str, body: bytes, headers: dict, *, timeout: float) -> SendResult:
        """POST `body` to `url` without following redirects; refuse an address that is not public
        (unless configured to allow private ones) at send time too."""


# --- payments (docs/operations.md#payments) -------------------------------------

@dataclass(frozen=True)
class ProviderResult:
    """What the payment provider answered: its id for the charge or refund, and its status
    (`succeeded`, or `pending` for a refund the provider settles later)."""

    id: str
    status: str


class PaymentError(Exception):
    """The provider did not do what it was asked. `reason` is what it said, for people to read."""

    def __init__(self, reason: str, code: str | None = None):
        super().__init__(reason)
        self.reason, self.code = reason, code


class PaymentTransient(PaymentError):
    """Try again later with the same idempotency key: the provider could not be reached, was
    rate-limiting, or failed on its side (5xx). Nothing is known to have been done."""


class PaymentPermanent(PaymentError):
    """Refused for good (a declined card, an invalid request): the same request will not succeed."""


class PaymentProvider(Protocol):
    name: str  # what a payment records as its `provider` (sandbox | stripe)

    def charge(self, amount, currency: str, method: str, token: str | None, idempotency_key: str) -> ProviderResult:
        """Charge `amount` (a Decimal, in `currency`) once per `idempotency_key`: the same key
        answers the same charge again, never a second one."""

    def refund(self, provider_ref: str, amount, idempotency_key: str) -> ProviderResult:
        """Refund `amount` of the charge `provider_ref`, once per `idempotency_key`."""

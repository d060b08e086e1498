"""Push devices: a user's Web Push subscriptions (the browser's PushSubscription JSON), where the push
channel sends (one delivery per active device; docs/notifications.md#push).

A subscription's endpoint belongs to one browser: registering it again updates the row (new keys, user
agent) and makes it active again, and moves it to the caller when another user of the organization had
registered it (the browser is now theirs: the other user's notifications must stop reaching it). A push
service that answers 404 or 410 ends a device (`deactivate`); nothing more is sent to it until its browser
registers it again. Endpoints are checked like webhook URLs (https, public addresses), since the worker
POSTs to them: `PUSH_ALLOW_HTTP_ENDPOINTS` and `PUSH_ALLOW_PRIVATE_ENDPOINTS` relax that for tests."""
import base64
import binascii
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import Boolean, DateTime, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from models.core import settings
from models.core.db import Timestamped, db, utcnow
from models.core.errors import NotFound, ValidationFailed
from models.core.ports import PushSubscription
from models.core.tenancy import TenantScoped
from models.integrations.outbound_url import RefusedUrl, check

PLATFORMS = ("web",)
P256DH_BYTES, AUTH_BYTES = 65, 16  # an uncompressed P-256 point; the shared auth secret (RFC 8291)
MAX_ENDPOINT = 2000
GONE_REASON = "the push service says the subscription is gone"


class PushDevice(TenantScoped, Timestamped, db.Model):
    __tablename__ = "push_devices"
    __table_args__ = (UniqueConstraint("organization_id", "endpoint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    endpoint: Mapped[str] = mapped_column(String(MAX_ENDPOINT), nullable=False)
    p256dh: Mapped[str] = mapped_column(String(100), nullable=False)
    auth: Mapped[str] = mapped_column(String(40), nullable=False)
    platform: Mapped[str] = mapped_column(String(16), nullable=False, default="web")
    user_agent: Mapped[str | None] = mapped_column(String(500))
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    deactivated_reason: Mapped[str | None] = mapped_column(String(200))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the last push accepted

    @property
    def subscription(self) -> PushSubscription:
        return PushSubscription(endpoint=self.endpoint, p256dh=self.p256dh, auth=self.auth)


def refusal_of(url: str) -> str | None:
    """Why `url` may not be pushed to (not https, or resolving to a private address), or None. Asked
    at registration and again before each push: a name may resolve elsewhere by then."""
    try:
        check(url, allow_http=bool(settings.get("PUSH_ALLOW_HTTP_ENDPOINTS", False)),
              allow_private=bool(settings.get("PUSH_ALLOW_PRIVATE_ENDPOINTS", False)))
    except RefusedUrl as exc:
        return str(exc)
    return None


def checked_endpoint(url: str) -> str:
    refusal = refusal_of(url)
    if refusal:
        raise ValidationFailed("The endpoint is not a push service's", endpoint=[refusal])
    return url


def _decoded(value: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def checked_keys(p256dh: str, auth: str) -> tuple[str, str]:
    """The browser's keys as base64url (padding dropped), or 422 naming the bad one: p256dh a P-256
    point (65 bytes, uncompressed), auth 16 bytes."""
    problems = {}
    point = _decoded(p256dh)
    try:
        if point is None or len(point) != P256DH_BYTES:
            raise ValueError
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        problems["p256dh"] = [f"must be base64url of an uncompressed P-256 public key ({P256DH_BYTES} bytes)"]
    secret = _decoded(auth)
    if secret is None or len(secret) != AUTH_BYTES:
        problems["auth"] = [f"must be base64url of {AUTH_BYTES} bytes"]
    if problems:
        raise ValidationFailed("The subscription's keys are not Web Push keys", keys=problems)
    return p256dh.rstrip("="), auth.rstrip("=")


def register(user_id: int, fields: dict) -> tuple[PushDevice, bool]:
    """Register the caller's subscription `{endpoint, keys{p256dh, auth}, platform, user_agent}`: the
    device, and whether it is new (else the same endpoint's row, updated, active again, now the caller's)."""
    endpoint = checked_endpoint(fields["endpoint"])
    p256dh, auth = checked_keys(fields["keys"]["p256dh"], fields["keys"]["auth"])
    device = db.session.scalar(select(PushDevice).where(PushDevice.endpoint == endpoint))
    new = device is None
    if new:
        device = PushDevice(endpoint=endpoint)
        db.session.add(device)
    device.user_id, device.p256dh, device.auth = user_id, p256dh, auth
    device.platform = fields.get("platform") or "web"
    device.user_agent = fields.get("user_agent")
    device.is_active, device.deactivated_at, device.deactivated_reason = True, None, None
    db.session.flush()
    return device, new


def own(user_id: int) -> list[PushDevice]:
    """The user's devices, active or not (a deactivated one says why), oldest first."""
    return list(db.session.scalars(select(PushDevice).where(PushDevice.user_id == user_id).order_by(PushDevice.id)))


def get_own(user_id: int, device_id: int) -> PushDevice:
    device = db.session.scalar(select(PushDevice).where(PushDevice.id == device_id, PushDevice.user_id == user_id))
    if device is None:
        raise NotFound(f"Device {device_id} not found")
    return device


def remove(user_id: int, device_id: int) -> None:
    """Forget one of the user's devices: queued pushes to it end `expired`."""
    db.session.delete(get_own(user_id, device_id))
    db.session.flush()


def active_ids_of(user_ids: list[int], session=None) -> dict[int, list[str]]:
    """{user id: their active devices' ids, as push deliveries name their target}, in one query."""
    found: dict[int, list[str]] = {}
    if user_ids:
        for user_id, ident in (session or db.session).execute(
                select(PushDevice.user_id, PushDevice.id)
                .where(PushDevice.user_id.in_(user_ids), PushDevice.is_active.is_(True)).order_by(PushDevice.id)):
            found.setdefault(user_id, []).append(str(ident))
    return found


def active(target: str | None) -> PushDevice | None:
    """The active device a push delivery's target names (of the bound organization), or None."""
    if not target or not target.isdigit():
        return None
    return db.session.scalar(select(PushDevice).where(PushDevice.id == int(target), PushDevice.is_active.is_(True)))


def deactivate(device: PushDevice, reason: str = GONE_REASON) -> None:
    device.is_active, device.deactivated_at, device.deactivated_reason = False, utcnow(), reason[:200]

"""VAPID keys (RFC 8292): the application server's P-256 key pair that signs every push request.

`VAPID_PRIVATE_KEY` is a PEM private key, or the base64url forms py_vapid accepts (the raw 32-byte
private number, or DER). docs/operations.md#push-notifications"""
import base64
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid


def load_vapid(private_key: str) -> Vapid:
    """The key as a py_vapid signer; ValueError (without the key in its message) when it is not one."""
    text = private_key.strip()
    try:
        if "-----BEGIN" in text:
            key = serialization.load_pem_private_key(text.encode(), password=None)
            if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
                raise ValueError("not a P-256 key")
            return Vapid(key)
        return Vapid.from_string(text)
    except Exception as exc:
        raise ValueError(f"VAPID_PRIVATE_KEY is not a P-256 private key ({type(exc).__name__})") from None


def public_key_of(vapid: Vapid) -> str:
    """The public key as the base64url uncompressed point (65 bytes), unpadded."""
    point = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(point).rstrip(b"=").decode()


def vapid_public_key(config: Mapping) -> str:
    """What a browser passes as `applicationServerKey` to `pushManager.subscribe`."""
    return public_key_of(load_vapid(config["VAPID_PRIVATE_KEY"]))


def generate_private_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def dev_private_key(path: Path) -> str:
    """Read the key pair kept at `path`, or create it (race-safe across processes: the first
    writer wins, the others read what it wrote)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")  # per thread too
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(generate_private_pem())
        try:
            os.link(tmp, path)  # fails if another process wrote it first
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    return path.read_text()

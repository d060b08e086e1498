"""What an acceptable access token says: the one rule HTTP and Socket.IO apply to the
raw claims of a signed token (before flask-jwt-extended fills in defaults).

Required: `exp` and `iat` (numbers), `sub` (the user id: a positive integer, as a
string), `sid` (the session), `type == "access"`; the header's `typ`, if any, is
"JWT". A refresh-style token (`typ: refresh+jwt`, `type: refresh`), or one without
an expiry, is not an access token however well it is signed."""
from numbers import Real

from models.core.db import MAX_INT

MAX_SESSION_ID_LENGTH = 36  # a UUID


def _is_time(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def user_id_of(sub) -> int | None:
    """The user id a `sub` claim names, or None when it is not a positive integer string."""
    if not isinstance(sub, str) or not sub.isascii() or not sub.isdigit() or sub.startswith("0"):
        return None
    user_id = int(sub)
    return user_id if user_id <= MAX_INT else None  # a larger sub could not name anyone


def access_token_problem(header: dict, claims: dict) -> str | None:
    """Why `claims` (with `header`) are not an acceptable access token, or None when they are."""
    typ = header.get("typ")
    if typ is not None and (not isinstance(typ, str) or typ.upper() != "JWT"):
        return "not an access token (header typ)"
    if claims.get("type") != "access":
        return "not an access token (type)"
    for name in ("exp", "iat"):
        if not _is_time(claims.get(name)):
            return f"missing or malformed claim: {name}"
    if user_id_of(claims.get("sub")) is None:
        return "missing or malformed claim: sub"
    sid = claims.get("sid")
    if not isinstance(sid, str) or not 0 < len(sid) <= MAX_SESSION_ID_LENGTH or not sid.isprintable():
        return "missing or malformed claim: sid"
    return None

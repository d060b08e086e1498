"""Which extra rooms a socket may `subscribe` to. Each resource registers a
room kind with a check run in the caller's tenant context, e.g.
`register("job", lambda job_id, permissions: ...)`."""
from sqlalchemy import select

from models.db import db
from models.identity import User
from models.identity.permissions import grants

_checks: dict[str, object] = {}


def register(kind: str, check) -> None:
    _checks[kind] = check


def is_subscribable(room: str) -> bool:
    return room.partition(":")[0] in _checks


def may_join(room: str, permissions) -> bool:
    kind, _, ident = room.partition(":")
    check = _checks.get(kind)
    if check is None or not ident.isdigit():
        return False
    return bool(check(int(ident), permissions))


def _may_watch_user(user_id: int, permissions) -> bool:
    # tenancy criteria apply: another organization's user is simply not found
    exists = db.session.scalar(select(User.id).where(User.id == user_id)) is not None
    return exists and grants(permissions, "users:read")


register("user", _may_watch_user)

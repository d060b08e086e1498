"""Which extra rooms a socket may `subscribe` to. Each resource registers a
room kind with a check run as the socket's actor (models.core.context), e.g.
`register("job", job_access.may_read_job)`: the same rule as its REST reads.

Only resource rooms are subscribable: another user's `user:` room carries that
user's own events (sessions, background jobs) and is joined by that user alone."""

_checks: dict[str, object] = {}


def register(kind: str, check) -> None:
    _checks[kind] = check


def is_subscribable(room: str) -> bool:
    return room.partition(":")[0] in _checks


def may_join(room: str) -> bool:
    kind, _, ident = room.partition(":")
    check = _checks.get(kind)
    if check is None or not ident.isascii() or not ident.isdigit() or len(ident) > 9:
        return False
    return bool(check(int(ident)))

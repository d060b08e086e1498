"""Each organization's stream of the live events it was sent (a Redis stream, `events:org:<id>`), so a
client that was away catches up: `resume` on Socket.IO, `Last-Event-ID` over SSE (docs/events.md,
"Resuming"). An event's id is its stream id. Entries are kept EVENT_RETENTION_HOURS (trimmed when the
next one is added; an idle stream expires) and at most about EVENT_STREAM_MAXLEN of them.

A catch-up reads the entries after the client's last id and keeps those of its namespace whose rooms
it is in now: the room rules that chose the live audience choose the replay's."""
import json
import re
import time
from dataclasses import dataclass

from models.core import money, settings

DEFAULT_RETENTION_HOURS = 24
DEFAULT_MAXLEN = 100_000
REPLAY_LIMIT = 1000  # events one catch-up sends at most; beyond, the client refetches (a gap)
SCAN_LIMIT = 50 * REPLAY_LIMIT  # entries one catch-up reads at most (of every namespace and room)
PAGE = 500
MAX_ID_PART = 2 ** 64 - 1
EVENT_ID = re.compile(r"^(\d{1,20})-(\d{1,20})$")


def stream_key(organization_id: int) -> str:
    return f"events:org:{organization_id}"


def retention_ms() -> int:
    return int(float(settings.get("EVENT_RETENTION_HOURS", DEFAULT_RETENTION_HOURS)) * 3600 * 1000)


def parse_event_id(value) -> tuple[int, int] | None:
    """(milliseconds, sequence) of a well-formed event id, else None."""
    match = EVENT_ID.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    ms, seq = int(match[1]), int(match[2])
    return (ms, seq) if ms <= MAX_ID_PART and seq <= MAX_ID_PART else None


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else value


@dataclass(frozen=True)
class Entry:
    event_id: str
    event: str
    namespace: str
    rooms: frozenset
    payload: dict

    def reaches(self, namespace: str, rooms) -> bool:
        return self.namespace == namespace and not self.rooms.isdisjoint(rooms)


def _entry(event_id, fields: dict) -> Entry:
    fields = {_text(k): _text(v) for k, v in fields.items()}
    return Entry(_text(event_id), fields["event"], fields["namespace"], frozenset(json.loads(fields["rooms"])),
                 money.json_loads(fields["payload"]))


def append(client, organization_id: int, event: str, namespace: str, rooms: list[str], payload: dict) -> str:
    """Add one event to the organization's stream (one round trip) and return its id."""
    key, retention = stream_key(organization_id), retention_ms()
    fields = {"event": event, "namespace": namespace, "rooms": json.dumps(list(rooms)),
              "payload": money.json_dumps(payload)}
    pipe = client.pipeline(transaction=False)
    pipe.xadd(key, fields, maxlen=int(settings.get("EVENT_STREAM_MAXLEN", DEFAULT_MAXLEN)), approximate=True)
    pipe.xtrim(key, minid=f"{max(int(time.time() * 1000) - retention, 0)}-0", approximate=True)
    pipe.pexpire(key, retention)
    return _text(pipe.execute()[0])


def last_id(client, organization_id: int) -> str:
    """The id of the newest entry, or `0-0` for an empty stream: where a live tail starts."""
    newest = client.xrevrange(stream_key(organization_id), count=1)
    return _text(newest[0][0]) if newest else "0-0"


@dataclass(frozen=True)
class CatchUp:
    """What a client gets after `since`: `entries` (its own, in order) and `last_event_id` (the newest
    entry read, the client's or not: where to go on from), or a gap (`gap` says why) and nothing."""

    entries: tuple = ()
    last_event_id: str | None = None
    gap: str | None = None  # "trimmed": `since` is older than what is kept; "too_many": over REPLAY_LIMIT
    oldest_event_id: str | None = None


def catch_up(client, organization_id: int, since: str, namespace: str, rooms) -> CatchUp:
    """The events after `since` (a well-formed id, see parse_event_id) for a client of `namespace` in `rooms`."""
    key, rooms = stream_key(organization_id), set(rooms)
    oldest = client.xrange(key, count=1)
    if not oldest:  # nothing kept: lost only if `since` is old enough for events after it to be gone
        lost = parse_event_id(since)[0] < time.time() * 1000 - retention_ms()
        return CatchUp(gap="trimmed") if lost else CatchUp(last_event_id=since)
    oldest_id = _text(oldest[0][0])
    if parse_event_id(since) < parse_event_id(oldest_id):
        return CatchUp(gap="trimmed", oldest_event_id=oldest_id)
    entries, cursor, scanned = [], since, 0
    while True:
        page = client.xrange(key, min=f"({cursor}", count=PAGE)
        for event_id, fields in page:
            entry = _entry(event_id, fields)
            if entry.reaches(namespace, rooms):
                entries.append(entry)
            cursor = entry.event_id
        scanned += len(page)
        if len(entries) > REPLAY_LIMIT or scanned >= SCAN_LIMIT:
            return CatchUp(gap="too_many", oldest_event_id=oldest_id)
        if len(page) < PAGE:
            return CatchUp(tuple(entries), cursor)


def tail(client, organization_id: int, after: str, block_ms: int) -> list[Entry]:
    """The entries after `after`, waiting up to `block_ms` for the first (empty when none came)."""
    answer = client.xread({stream_key(organization_id): after}, count=PAGE, block=block_ms)
    return [_entry(event_id, fields) for _key, page in answer or () for event_id, fields in page]

"""Live events as Server-Sent Events, for clients without Socket.IO: `GET /api/v1/events/stream` and
its mobile flavour `GET /api/v1/mobile/live-updates` (docs/events.md, "Resuming").

EventSource sends no headers, so a stream opens with a ticket: `POST .../stream-ticket` (bearer) gives
one, good for TICKET_SECONDS and once, for the caller's user and session, signed with SECRET_KEY
(itsdangerous). The stream carries the events of one namespace (the technician app's for the mobile
flavour, else the one the caller's role connects to) sent to the rooms the user's socket would join:
first those after `Last-Event-ID`, then, as they come, the organization's new ones (sockets.event_log).
A `: ping` comment every SSE_HEARTBEAT_SECONDS keeps proxies from closing it. The stream ends, with
`session.revoked` or `permissions.changed`, when the session ends or the user's rights change: checked
at every heartbeat, and at least that often while events flow. It holds no database session while it
waits: each check takes one in an app context of its own."""
import secrets
import time
from dataclasses import dataclass

import redis
from flask import Response, current_app, g
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from models.core import money
from models.core.errors import AuthenticationFailed, PermissionDenied, ValidationFailed
from models.core.permissions import grants
from models.identity import sessions
from models.identity.permissions import is_staff
from sockets import event_log, rooms
from sockets.emitter import event_id_field
from web.auth import token_claims

TICKET_SECONDS = 60
EVENTS, MOBILE = "events", "mobile"  # the flavours: /events/stream, /mobile/live-updates
USED_TICKET = "events:ticket-used:{}"


def namespace_for(flavour: str, permissions) -> str | None:
    """The namespace whose events a stream of this flavour carries for these rights (None: no stream).
    A technician (their own jobs only) gets the technician app's; a customer the portal's."""
    if flavour == MOBILE:
        return rooms.MOBILE if is_staff(permissions) else None
    if is_staff(permissions):
        own_only = grants(permissions, rooms.JOBS_OWN) and not grants(permissions, rooms.JOBS_ALL)
        return rooms.MOBILE if own_only else rooms.DISPATCH
    return rooms.CUSTOMER if grants(permissions, "portal:access") else None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="fieldops.event-stream-ticket")


def issue_ticket(flavour: str) -> dict:
    """A ticket for the signed-in caller's user and session: {ticket, expires_in}."""
    if namespace_for(flavour, g.permissions) is None:
        raise PermissionDenied("Your role receives no live events here")
    ticket = _serializer().dumps({"u": g.user.id, "s": token_claims()["sid"], "f": flavour,
                                  "n": secrets.token_urlsafe(12)})
    return {"ticket": ticket, "expires_in": TICKET_SECONDS}


def _redeem(flavour: str, ticket: str) -> dict:
    """The ticket's claims, once; AuthenticationFailed when it is not good (tampered, expired, used)."""
    try:
        claims = _serializer().loads(ticket, max_age=TICKET_SECONDS)
    except SignatureExpired:
        raise AuthenticationFailed("This stream ticket has expired; ask for a new one", reason="expired") from None
    except BadSignature:
        raise AuthenticationFailed("This stream ticket is not valid", reason="invalid") from None
    if not isinstance(claims, dict) or claims.get("f") != flavour:
        raise AuthenticationFailed("This stream ticket is not for this stream", reason="invalid")
    first_use = current_app.extensions["redis"].set(USED_TICKET.format(claims["n"]), 1, nx=True,
                                                    ex=TICKET_SECONDS + 5)
    if not first_use:
        raise AuthenticationFailed("This stream ticket was used already; ask for a new one", reason="used")
    return claims


@dataclass(frozen=True)
class Listener:
    """Whose stream it is, and what they were allowed when it opened."""

    organization_id: int
    user_id: int
    session_id: str
    role: str
    permissions: tuple
    links: tuple
    namespace: str
    rooms: frozenset


def open_stream(flavour: str, ticket: str, last_event_id: str | None) -> Response:
    if last_event_id is not None and event_log.parse_event_id(last_event_id) is None:
        raise ValidationFailed("The request has invalid fields", last_event_id=["Not an event id."])
    claims = _redeem(flavour, ticket)
    loaded = sessions.load_active_user(claims["u"], claims["s"])
    if loaded is None:
        raise AuthenticationFailed("Your session has ended or your account is disabled; log in again")
    user, permissions = loaded
    namespace = namespace_for(flavour, permissions)
    if namespace is None:
        raise PermissionDenied("Your role receives no live events here")
    listener = Listener(user.organization_id, user.id, claims["s"], user.role, tuple(sorted(permissions)),
                        (user.customer_id, user.vendor_id), namespace,
                        frozenset(rooms.audience_rooms(user.organization_id, user.id, claims["s"], user.role,
                                                       permissions)))
    body = _events(current_app._get_current_object(), listener, last_event_id)
    return Response(body, mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def frame(event: str, payload: dict, event_id: str | None = None) -> str:
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}event: {event}\ndata: {money.json_dumps(payload)}\n\n"


def _entry_frame(entry: event_log.Entry, namespace: str) -> str:
    return frame(entry.event, {**entry.payload, event_id_field(namespace): entry.event_id}, entry.event_id)


def _ending(app, listener: Listener) -> str | None:
    """The frame that ends the stream, or None while its session is live and its rights unchanged."""
    with app.app_context():  # its database session ends with it
        state = sessions.session_states({listener.session_id}).get(listener.session_id)
    if state is None or state.ended_reason is not None:
        return frame(rooms.SESSION_REVOKED, {"user_id": listener.user_id,
                                             "reason": state.ended_reason if state else "session_ended",
                                             "session_ids": [listener.session_id]})
    if (state.permissions, state.role, state.links) != (listener.permissions, listener.role, listener.links):
        return frame(rooms.PERMISSIONS_CHANGED, {"reason": "permissions_changed"})
    return None


def _events(app, listener: Listener, since: str | None):
    heartbeat = float(app.config["SSE_HEARTBEAT_SECONDS"])
    client = redis.Redis.from_url(app.config["REDIS_URL"], socket_timeout=heartbeat + 10, socket_connect_timeout=2)
    org, namespace = listener.organization_id, listener.namespace
    try:
        yield ": connected\n\n"  # the headers leave with it: the client knows the stream is open
        if since is None:
            cursor = event_log.last_id(client, org)
        else:
            caught = event_log.catch_up(client, org, since, namespace, listener.rooms)
            if caught.gap:
                cursor = event_log.last_id(client, org)
                yield frame(rooms.RESUME_GAP, {"oldest_event_id": caught.oldest_event_id, "reason": caught.gap},
                            cursor if cursor != "0-0" else None)
            else:
                cursor = caught.last_event_id
                for entry in caught.entries:
                    yield _entry_frame(entry, namespace)
        checked = time.monotonic()
        while True:
            entries = event_log.tail(client, org, cursor, int(heartbeat * 1000))
            for entry in entries:
                cursor = entry.event_id
                if entry.reaches(namespace, listener.rooms):
                    yield _entry_frame(entry, namespace)
            if not entries:
                yield ": ping\n\n"
            if not entries or time.monotonic() - checked >= heartbeat:
                checked = time.monotonic()
                ending = _ending(app, listener)
                if ending:
                    yield ending
                    return
    finally:
        client.close()

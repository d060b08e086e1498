"""Live events as Server-Sent Events, for clients without Socket.IO (web.live_stream;
docs/events.md#resuming)."""
from flask.views import MethodView

from web import live_stream
from web.auth import public, signed_in
from web.conventions.envelope import Blueprint
from web.schemas.event_stream import LastEventIdHeaderSchema, StreamArgsSchema, StreamTicketSchema

blp = Blueprint("event_stream", __name__, url_prefix="/api/v1/events",
                description="Live events as Server-Sent Events (docs/events.md#resuming)")

EVENT_STREAM = {"description": "`text/event-stream`: each event as `id: <event id>`, `event: <name>`, `data: <JSON "
                               "payload, with its event_id>`; a `: ping` comment every 15 s; `resume.gap` when the "
                               "events after `Last-Event-ID` are no longer all kept; `session.revoked` or "
                               "`permissions.changed` last, when the session ends or the rights change",
                "content": {"text/event-stream": {"schema": {  # one event of the stream
                    "type": "object",
                    "properties": {"id": {"type": "string"}, "event": {"type": "string"},
                                   "data": {"type": "string", "description": "the payload, JSON"},
                                   "retry": {"type": "integer"}}}}}}
BAD_TICKET = {"description": "The ticket is not valid, has expired (60 s) or was used already (UNAUTHORIZED; "
                             "`details.reason`: invalid, expired or used), or the session has ended: get a new one"}
NO_EVENTS = {"description": "The caller's role receives no live events here (a vendor)"}


@blp.route("/stream-ticket")
class StreamTicket(MethodView):
    @signed_in
    @blp.response(200, StreamTicketSchema)
    @blp.doc(responses={"403": NO_EVENTS})
    def post(self):
        """A ticket to open the event stream: for your user and session, good for 60 s, once.

        EventSource cannot send an Authorization header: send the ticket as `ticket` instead."""
        return live_stream.issue_ticket(live_stream.EVENTS)


@blp.route("/stream")
class Stream(MethodView):
    @public
    @blp.arguments(StreamArgsSchema, location="query")
    @blp.arguments(LastEventIdHeaderSchema, location="headers")
    @blp.response(200)
    @blp.doc(responses={"200": EVENT_STREAM, "401": BAD_TICKET, "403": NO_EVENTS})
    def get(self, args, headers):
        """The live events your socket would receive, as Server-Sent Events.

        The events of the namespace your role connects to (`/` for staff, `/mobile` for a technician who
        sees only their own jobs, `/customer` for the portal), to the rooms you would join. With
        `Last-Event-ID` (or `last_event_id`), the ones after it first, in order."""
        since = headers.get("last_event_id") or args.get("last_event_id")
        return live_stream.open_stream(live_stream.EVENTS, args["ticket"], since)

"""The technician app's live updates as Server-Sent Events: the /mobile namespace's events, with the
stream of /events/stream (web.live_stream; docs/events.md#resuming). The app's shapes: camelCase, no
envelope (errors still use the error envelope)."""
import flask_smorest
from flask.views import MethodView

from web import live_stream
from web.api.event_stream import BAD_TICKET, EVENT_STREAM
from web.auth import public, signed_in
from web.conventions.envelope import Blueprint
from web.schemas.event_stream import LastEventIdHeaderSchema, MobileStreamArgsSchema, MobileStreamTicketSchema

blp = Blueprint("mobile_live_updates", __name__, url_prefix="/api/v1/mobile/live-updates",
                description="The technician app's live updates as Server-Sent Events (docs/events.md#resuming)")

STAFF_ONLY = {"description": "The technician app is for staff roles"}


@blp.route("/ticket")
class LiveUpdatesTicket(MethodView):
    @signed_in
    @flask_smorest.Blueprint.response(blp, 200, MobileStreamTicketSchema)  # the app's shape: no envelope
    @blp.doc(responses={"403": STAFF_ONLY})
    def post(self):
        """A ticket to open the live updates: for your user and session, good for 60 s, once."""
        return live_stream.issue_ticket(live_stream.MOBILE)


@blp.route("")
class LiveUpdates(MethodView):
    @public
    @blp.arguments(MobileStreamArgsSchema, location="query")
    @blp.arguments(LastEventIdHeaderSchema, location="headers")
    @blp.response(200)
    @blp.doc(responses={"200": EVENT_STREAM, "401": BAD_TICKET, "403": STAFF_ONLY})
    def get(self, args, headers):
        """The technician app's live events, as Server-Sent Events.

        `job-assigned`, `status-updated`, `priority-alert` and `team-update`, to the rooms you would join
        on `/mobile`. With `Last-Event-ID` (or `lastEventId`), the ones after it first, in order."""
        since = headers.get("last_event_id") or args.get("last_event_id")
        return live_stream.open_stream(live_stream.MOBILE, args["ticket"], since)

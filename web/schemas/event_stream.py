"""Stream tickets and the query of the Server-Sent Events streams (web.live_stream)."""
import marshmallow as ma

from web.conventions.openapi import NO_NUL

TICKET = ma.fields.String(required=True, validate=ma.validate.Length(max=1000), metadata={
    "pattern": NO_NUL, "description": "A ticket from the stream's ticket endpoint: good for 60 s, once"})
EVENT_ID = {"pattern": r"^\d{1,20}-\d{1,20}$", "example": "1767261600000-0"}


class StreamTicketSchema(ma.Schema):
    ticket = ma.fields.String(metadata={"description": "Send it as `ticket` to open the stream"})
    expires_in = ma.fields.Integer(metadata={"description": "Seconds it stays good (once)", "example": 60})


class MobileStreamTicketSchema(ma.Schema):
    """The technician app's shapes are camelCase."""

    ticket = ma.fields.String(metadata={"description": "Send it as `ticket` to open the stream"})
    expires_in = ma.fields.Integer(data_key="expiresIn", metadata={"description": "Seconds it stays good (once)",
                                                                   "example": 60})


class StreamArgsSchema(ma.Schema):
    ticket = TICKET
    last_event_id = ma.fields.String(validate=ma.validate.Length(max=41), metadata={
        **EVENT_ID, "description": "Replay the events after this one first (as the `Last-Event-ID` header, "
                                   "which wins when both are sent)"})


class MobileStreamArgsSchema(ma.Schema):
    ticket = TICKET
    last_event_id = ma.fields.String(data_key="lastEventId", validate=ma.validate.Length(max=41), metadata={
        **EVENT_ID, "description": "Replay the events after this one first (as the `Last-Event-ID` header, "
                                   "which wins when both are sent)"})


class LastEventIdHeaderSchema(ma.Schema):
    last_event_id = ma.fields.String(data_key="Last-Event-ID", validate=ma.validate.Length(max=41), metadata={
        **EVENT_ID, "description": "The id of the last event received (EventSource sends it when it reconnects): "
                                   "the stream replays the ones after it first"})

"""Webhook endpoints, their deliveries and attempts (docs/webhooks.md). The secret is in the answers of
create and rotate alone (`WebhookEndpointWithSecretSchema`)."""
import marshmallow as ma

from models.notify.webhook import ENDPOINTS, MAX_EVENTS
from models.notify.webhook_delivery import DELIVERIES, STATUSES
from web.schemas.common import InputSchema, Text, UTCDateTime, patch_schema
from web.schemas.listing import list_args_schema

EVENTS_DOC = ("Event type names (GET /admin/webhooks/event-types), `prefix.*` for every type under `prefix.`, "
              "or `*` for all")


class EventTypeSchema(ma.Schema):
    name = ma.fields.String(metadata={"example": "job.status.updated"})
    description = ma.fields.String()


class WebhookEndpointInputSchema(InputSchema):
    url = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000), metadata={
        "description": "https (http only where the server allows it); a host that resolves to a loopback, private, "
                       "link-local, multicast or reserved address is refused (422)",
        "example": "https://example.com/hooks/fieldops"})
    events = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=100)), required=True,
                            validate=ma.validate.Length(min=1, max=MAX_EVENTS),
                            metadata={"description": EVENTS_DOC, "example": ["job.*"]})
    description = Text(500, allow_none=True)


class WebhookEndpointPatchFields(WebhookEndpointInputSchema):
    is_active = ma.fields.Boolean(metadata={"description": "true re-enables a disabled endpoint (its failure count "
                                                           "starts again at 0); false disables it"})


WebhookEndpointPatchSchema = patch_schema(WebhookEndpointPatchFields, "WebhookEndpointPatchSchema")
WebhookEndpointListArgsSchema = list_args_schema(ENDPOINTS, "WebhookEndpointListArgsSchema")
WebhookDeliveryListArgsSchema = list_args_schema(DELIVERIES, "WebhookDeliveryListArgsSchema")


class WebhookEndpointSchema(ma.Schema):
    id = ma.fields.Integer()
    url = ma.fields.String()
    events = ma.fields.List(ma.fields.String())
    description = ma.fields.String(allow_none=True)
    is_active = ma.fields.Boolean()
    disabled_reason = ma.fields.String(allow_none=True)
    disabled_at = UTCDateTime(allow_none=True)
    secret_rotated_at = UTCDateTime(allow_none=True)
    consecutive_failures = ma.fields.Integer(metadata={"description": "deliveries in a row that ended failed"})
    created_by_id = ma.fields.Integer(allow_none=True)
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


class WebhookEndpointWithSecretSchema(WebhookEndpointSchema):
    secret = ma.fields.String(metadata={
        "description": "The signing secret (Standard Webhooks, `whsec_`...): shown here only; verify each request "
                       "with it", "example": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})


class WebhookDeliverySchema(ma.Schema):
    id = ma.fields.Integer()
    endpoint_id = ma.fields.Integer()
    event_type = ma.fields.String(metadata={"example": "job.status.updated"})
    event_id = ma.fields.String(metadata={"description": "The `webhook-id` header: the same at every attempt and "
                                                         "replay", "example": "msg_2b0c5b1e8d3f4a6e9c7d1f0a3b5e7c9d"})
    status = ma.fields.String(metadata={"enum": list(STATUSES)})
    attempts = ma.fields.Integer()
    response_status = ma.fields.Integer(allow_none=True, metadata={"description": "of the last attempt"})
    last_error = ma.fields.String(allow_none=True)
    next_attempt_at = UTCDateTime(allow_none=True, metadata={"description": "when queued for a retry"})
    sent_at = UTCDateTime(allow_none=True)
    created_at = UTCDateTime()


class WebhookAttemptSchema(ma.Schema):
    id = ma.fields.Integer()
    attempted_at = UTCDateTime()
    outcome = ma.fields.String(metadata={"enum": ["sent", "retry", "failed"]})
    request_headers = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(),
                                     metadata={"description": "as sent (the secret is never sent)"})
    response_status = ma.fields.Integer(allow_none=True)
    response_body = ma.fields.String(allow_none=True, metadata={"description": "the first 4 KB"})
    duration_ms = ma.fields.Integer(allow_none=True)
    error = ma.fields.String(allow_none=True)


class WebhookDeliveryDetailSchema(WebhookDeliverySchema):
    request_body = ma.fields.Raw(attribute="payload", metadata={
        "type": "object", "description": "The JSON posted: `{type, timestamp, data}`"})
    attempt_log = ma.fields.List(ma.fields.Nested(WebhookAttemptSchema), data_key="attempt_log",
                                 metadata={"description": "every attempt, oldest first"})

"""Webhooks: the organization's endpoints, the event types they subscribe to, and each delivery's
log with its attempts and replay (docs/webhooks.md). All of it is `webhooks:manage`'s."""
from flask import g
from flask.views import MethodView
from sqlalchemy import select

from models.core import webhook_events
from models.core.tenancy import get_or_404
from models.notify import webhook, webhook_delivery
from models.notify.webhook import ENDPOINTS, WebhookEndpoint
from models.notify.webhook_delivery import DELIVERIES, WebhookDelivery
from web.auth import requires
from web.conventions.envelope import Blueprint, created
from web.conventions.listing import paginate
from web.conventions.openapi import conflicts, refused_beyond_schema
from web.schemas.notify.webhooks import (EventTypeSchema, WebhookDeliveryDetailSchema, WebhookDeliveryListArgsSchema,
                                         WebhookDeliverySchema, WebhookEndpointInputSchema,
                                         WebhookEndpointListArgsSchema, WebhookEndpointPatchSchema,
                                         WebhookEndpointSchema, WebhookEndpointWithSecretSchema)

PREFIX = "/api/v1/admin/webhooks"
blp = Blueprint("webhooks", __name__, url_prefix=PREFIX,
                description="Webhooks: signed POSTs of the organization's events to other systems")
manages = requires("webhooks:manage")
REFUSED_URL = ("`url` is not https (or http where allowed), holds credentials, or resolves to an address that is not "
               "public; `events` names an unknown event type")


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    return get_or_404(WebhookEndpoint, endpoint_id, "Webhook endpoint")


def _delivery(delivery_id: int) -> WebhookDelivery:
    return get_or_404(WebhookDelivery, delivery_id, "Webhook delivery")


@blp.route("")
class WebhookEndpoints(MethodView):
    @manages
    @blp.arguments(WebhookEndpointListArgsSchema, location="query")
    @blp.paginated(WebhookEndpointSchema)
    def get(self, args):
        """List the organization's webhook endpoints, newest first.

        Filter: `is_active`; `q` searches the URL and description. Secrets are not shown."""
        return paginate(select(WebhookEndpoint), args, ENDPOINTS)

    @manages
    @blp.arguments(WebhookEndpointInputSchema)
    @blp.response(201, WebhookEndpointWithSecretSchema)
    @refused_beyond_schema(REFUSED_URL)
    def post(self, body):
        """Register a webhook endpoint.

        The answer holds its signing `secret`, shown this once (and again only by rotate-secret)."""
        endpoint = webhook.create_endpoint(body, actor_id=g.user.id)
        return created(endpoint, f"{PREFIX}/{endpoint.id}")


@blp.route("/event-types")
class WebhookEventTypes(MethodView):
    @manages
    @blp.response(200, EventTypeSchema(many=True))
    def get(self):
        """List the event types an endpoint may subscribe to.

        Named as on Socket.IO; an endpoint's `events` may also say `prefix.*` or `*`."""
        return webhook_events.event_types()


@blp.route("/<int:endpoint_id>")
class WebhookEndpointDetail(MethodView):
    @manages
    @blp.response(200, WebhookEndpointSchema)
    def get(self, endpoint_id):
        """One webhook endpoint (without its secret)."""
        return _endpoint(endpoint_id)

    @manages
    @blp.arguments(WebhookEndpointPatchSchema)
    @blp.response(200, WebhookEndpointSchema)
    @refused_beyond_schema(REFUSED_URL)
    def patch(self, body, endpoint_id):
        """Edit a webhook endpoint, or enable or disable it.

        `is_active: true` re-enables an endpoint disabled after failed deliveries, its failure count reset."""
        return webhook.update_endpoint(_endpoint(endpoint_id), body)

    @manages
    @blp.response(204)
    def delete(self, endpoint_id):
        """Delete a webhook endpoint: nothing more is sent to it, queued retries included."""
        webhook.delete_endpoint(_endpoint(endpoint_id))


@blp.route("/<int:endpoint_id>/rotate-secret")
class WebhookEndpointRotateSecret(MethodView):
    @manages
    @blp.response(200, WebhookEndpointWithSecretSchema)
    def post(self, endpoint_id):
        """Give a webhook endpoint a new signing secret.

        Shown in this answer only; every request from now on, retries included, is signed with it."""
        return webhook.rotate_secret(_endpoint(endpoint_id))


@blp.route("/<int:endpoint_id>/test")
class WebhookEndpointTest(MethodView):
    @manages
    @blp.response(202, WebhookDeliverySchema)
    @conflicts("The endpoint is disabled")
    def post(self, endpoint_id):
        """Send a `webhook.test` event to this endpoint.

        The answer is its delivery, queued; follow it at /admin/webhooks/deliveries/{id}."""
        delivery = webhook_delivery.send_test(_endpoint(endpoint_id))
        return delivery, 202, {"Location": f"{PREFIX}/deliveries/{delivery.id}"}


@blp.route("/<int:endpoint_id>/deliveries")
class WebhookEndpointDeliveries(MethodView):
    @manages
    @blp.arguments(WebhookDeliveryListArgsSchema, location="query")
    @blp.paginated(WebhookDeliverySchema)
    def get(self, args, endpoint_id):
        """List a webhook endpoint's deliveries, newest first.

        Filters: `status`, `event` (comma lists); `q` searches the event id and type."""
        endpoint = _endpoint(endpoint_id)
        return paginate(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id), args, DELIVERIES)


@blp.route("/deliveries/<int:delivery_id>")
class WebhookDeliveryDetail(MethodView):
    @manages
    @blp.response(200, WebhookDeliveryDetailSchema)
    def get(self, delivery_id):
        """One webhook delivery, with the body posted and each attempt.

        Each attempt: its request headers (never the secret), response status, the first 4 KB of the response
        body, duration and error."""
        return _delivery(delivery_id)


@blp.route("/deliveries/<int:delivery_id>/replay")
class WebhookDeliveryReplay(MethodView):
    @manages
    @blp.response(202, WebhookDeliverySchema)
    @conflicts("The delivery is still queued or being sent")
    def post(self, delivery_id):
        """Send a delivery again, now, with the same `webhook-id`.

        One more attempt, recorded in its log; receivers de-duplicate on the `webhook-id`."""
        delivery = webhook_delivery.replay(_delivery(delivery_id))
        return delivery, 202, {"Location": f"{PREFIX}/deliveries/{delivery.id}"}

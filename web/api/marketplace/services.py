"""Services as admins keep them (docs/api.md#services)."""
from flask.views import MethodView
from sqlalchemy import select

from models.core.db import shallow
from models.core.tenancy import get_or_404
from models.marketplace import service as services
from models.marketplace.service import SERVICES, Service
from web.auth import requires
from web.conventions.envelope import Blueprint, created
from web.conventions.listing import paginate
from web.conventions.openapi import refused_beyond_schema
from web.schemas.marketplace.services import (ServiceInputSchema, ServiceListArgsSchema, ServicePatchSchema,
                                              ServiceSchema)

blp = Blueprint("admin_services", __name__, url_prefix="/api/v1/admin/services",
                description="The services vendors offer on the marketplace")


@blp.route("")
class Services(MethodView):
    @requires("bookings:manage")
    @blp.arguments(ServiceListArgsSchema, location="query")
    @blp.paginated(ServiceSchema)
    def get(self, args):
        """List services.

        Filters: `vendor_id`, `category` (a comma list), `is_active`; `q` searches the name and category.
        Sorted by `name` (default), `price` or `created_at`."""
        return paginate(select(Service).options(*shallow(Service)), args, SERVICES)

    @requires("bookings:manage")
    @blp.arguments(ServiceInputSchema)
    @blp.response(201, ServiceSchema)
    @refused_beyond_schema("`vendor_id` must name a vendor of the organization")
    def post(self, body):
        """Add a service.

        Priced in the organization's currency (`settings.currency`, default USD)."""
        service = services.create_service(body)
        return created(service, f"{blp.url_prefix}/{service.id}")


@blp.route("/<int:service_id>")
class ServiceDetail(MethodView):
    @requires("bookings:manage")
    @blp.response(200, ServiceSchema)
    def get(self, service_id):
        """One service."""
        return get_or_404(Service, service_id, "Service")

    @requires("bookings:manage")
    @blp.arguments(ServicePatchSchema)
    @blp.response(200, ServiceSchema)
    def patch(self, body, service_id):
        """Edit a service.

        `is_active: false` takes it off the catalogue (its bookings stay); a price change applies to
        bookings made from now on."""
        return services.update_service(get_or_404(Service, service_id, "Service"), body)

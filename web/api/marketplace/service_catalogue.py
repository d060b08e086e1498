"""The services a consumer may book (docs/api.md#bookings)."""
from flask.views import MethodView

from models.core.db import shallow
from models.marketplace import service as services
from models.marketplace.service import SERVICES, Service
from web.auth import requires_any
from web.conventions.envelope import Blueprint
from web.conventions.listing import paginate
from web.schemas.marketplace.services import ServiceListArgsSchema, ServiceSchema

blp = Blueprint("service_catalogue", __name__, url_prefix="/api/v1/services",
                description="What consumers may book")


@blp.route("")
class Catalogue(MethodView):
    @requires_any("portal:access", "bookings:manage")
    @blp.arguments(ServiceListArgsSchema, location="query")
    @blp.paginated(ServiceSchema)
    def get(self, args):
        """List the services one may book.

        Active services of active vendors (for consumers, and for the staff who book for them). Filters
        as the admin list: `vendor_id`, `category`; `q` searches the name and category."""
        return paginate(services.catalogue().options(*shallow(Service)), args, SERVICES)

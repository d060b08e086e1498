"""The services a consumer may book (docs/api.md#bookings)."""
from flask.views import MethodView

from models.core.db import shallow
from models.marketplace import service as services
from models.marketplace.service import SERVICES, Service
from web.auth import requires
from web.conventions.envelope import Blueprint
from web.conventions.listing import paginate
from web.schemas.marketplace.services import ServiceListArgsSchema, ServiceSchema

blp = Blueprint("service_catalogue", __name__, url_prefix="/api/v1/services",
                description="What consumers may book")


@blp.route("")
class Catalogue(MethodView):
    @requires("portal:access")
    @blp.arguments(ServiceListArgsSchema, location="query")
    @blp.paginated(ServiceSchema)
    def get(self, args):
        """List the services one may book.

        Active services of active vendors. Filters as the admin list: `vendor_id`, `category`; `q`."""
        return paginate(services.catalogue().options(*shallow(Service)), args, SERVICES)

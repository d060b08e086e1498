from flask.views import MethodView

from models.core.tenancy import get_or_404
from models.vendors import Vendor
from models.vendors import vendor as vendors
from web.auth import requires
from web.conventions.envelope import Blueprint, created
from web.conventions.listing import paginate
from web.conventions.openapi import refused_beyond_schema
from web.schemas.vendors import VendorInputSchema, VendorListArgsSchema, VendorSchema, VendorUpdateSchema

blp = Blueprint("vendors", __name__, url_prefix="/api/v1/admin/vendors", description="Marketplace vendors")
VENDOR_LOGIN = "`user_id` must name a user of the organization with the vendor role"


@blp.route("")
class Vendors(MethodView):
    @requires("bookings:manage")
    @blp.arguments(VendorListArgsSchema, location="query")
    @blp.paginated(VendorSchema)
    def get(self, args):
        """List vendors.

        Filters: `status` (comma list); `q` searches the name and email; sort `name`, `created_at`, `rating`."""
        return paginate(vendors.roster(), args, vendors.VENDORS)

    @requires("bookings:manage")
    @blp.arguments(VendorInputSchema)
    @blp.response(201, VendorSchema)
    @refused_beyond_schema(VENDOR_LOGIN)
    def post(self, body):
        """Add a vendor (optionally with its login: a user of the `vendor` role)."""
        vendor = vendors.create_vendor(body)
        return created(vendor, f"{blp.url_prefix}/{vendor.id}")


@blp.route("/<int:vendor_id>")
class VendorDetail(MethodView):
    @requires("bookings:manage")
    @blp.response(200, VendorSchema)
    def get(self, vendor_id):
        """One vendor."""
        return get_or_404(Vendor, vendor_id, "Vendor")

    @requires("bookings:manage")
    @blp.arguments(VendorUpdateSchema)
    @blp.response(200, VendorSchema)
    @refused_beyond_schema(VENDOR_LOGIN)
    def patch(self, body, vendor_id):
        """Edit a vendor's details; suspend or reinstate it with `status`."""
        return vendors.update_vendor(get_or_404(Vendor, vendor_id, "Vendor"), body)

    @requires("bookings:manage")
    @blp.response(204)
    def delete(self, vendor_id):
        """Delete a vendor (soft delete: it leaves lists and details; its users' links are cleared)."""
        vendors.delete_vendor(get_or_404(Vendor, vendor_id, "Vendor"))

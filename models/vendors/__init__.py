"""Vendors: the marketplace's sellers, which CRM's issues, orders and payments also point at."""
from models.core.domain import Domain
from models.vendors import exports
from models.vendors.vendor import Vendor  # noqa: F401

DOMAIN = Domain(
    name="vendors",
    depends_on=("identity",),
    permissions={
        "bookings:manage": "Manage marketplace bookings",
    },
    exports=(exports.VENDORS,),
)

"""What the vendors domain exports (models.core.exports). Column names follow the API's field names."""
from models.core.exports import ExportSpec
from models.vendors import vendor
from models.vendors.vendor import Vendor

VENDORS = ExportSpec(
    resource="vendors", model=Vendor, permission="bookings:manage",
    description="Marketplace vendors, their status and rating",
    columns=[
        ("id", Vendor.id), ("name", Vendor.name), ("email", Vendor.email), ("phone", Vendor.phone),
        ("status", Vendor.status), ("rating", Vendor.rating), ("reviews_count", Vendor.reviews_count),
        ("user_id", Vendor.user_id), ("created_at", Vendor.created_at), ("updated_at", Vendor.updated_at),
    ],
    listing=vendor.VENDORS,
)

"""Demo vendors for one organization: eight businesses, one of them suspended. Inserted in
bulk like the rest of the demo data (models.dispatch.demo_data): no audit rows, no events."""
from sqlalchemy import insert

from models.core.db import db, utcnow
from models.vendors.vendor import Vendor

DEMO_VENDORS = (
    ("Brightline Electric", "hello@brightline-electric.test", "+1 212 555 0141", "active"),
    ("Cool Breeze HVAC", "service@coolbreeze-hvac.test", "+1 212 555 0142", "active"),
    ("Evergreen Landscaping", "office@evergreen-landscaping.test", "+1 212 555 0143", "active"),
    ("Harbor Plumbing Co.", "jobs@harbor-plumbing.test", "+1 212 555 0144", "active"),
    ("Keystone Moving & Storage", "moves@keystone-moving.test", "+1 212 555 0145", "active"),
    ("Northside Painters", "paint@northside-painters.test", "+1 212 555 0146", "active"),
    ("Sparkle Clean Services", "bookings@sparkle-clean.test", "+1 212 555 0147", "active"),
    ("QuickFix Handyman", "contact@quickfix-handyman.test", "+1 212 555 0148", "suspended"),
)


def seed_vendors(organization_id: int) -> int:
    """Add the demo vendors to the organization; returns how many. The caller commits."""
    now = utcnow()
    rows = [{"organization_id": organization_id, "name": name, "email": email, "phone": phone, "status": status,
             "reviews_count": 0, "created_at": now, "updated_at": now}
            for name, email, phone, status in DEMO_VENDORS]
    db.session.connection().execute(insert(Vendor.__table__), rows)
    return len(rows)

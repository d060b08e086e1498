"""A marketplace in one organization, built with the domain's own functions (the rows an
API call would have made), for tests that need bookings in a given state."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from models.core import context
from models.core.db import db
from models.identity.user import User
from models.marketplace import booking as bookings
from models.marketplace.payment import BookingPayment
from models.marketplace.service import Service
from models.vendors.vendor import Vendor

# The moves that take a new booking to each status.
PATH_TO = {"pending": (), "confirmed": ("confirmed",), "in_progress": ("confirmed", "in_progress"),
           "completed": ("confirmed", "in_progress", "completed"), "cancelled": ("cancelled",),
           "no_show": ("confirmed", "no_show")}


class Market:
    """`tenant`'s vendor user acts for one vendor, which offers one service; its customer user books."""

    def __init__(self, app, tenant, price="120.00"):
        self.app, self.tenant = app, tenant
        self.consumer_id = tenant.user_ids["customer"]
        self.vendor_user_id = tenant.user_ids["vendor"]
        with self._scope():
            vendor = Vendor(name=f"{tenant.slug.title()} Cleaning Co.", email=f"hello@{tenant.slug}-cleaning.test",
                            status="active", user_id=self.vendor_user_id)
            db.session.add(vendor)
            db.session.flush()
            db.session.get(User, self.vendor_user_id).vendor_id = vendor.id
            service = Service(vendor_id=vendor.id, name="Deep clean", category="cleaning", price=Decimal(price),
                              currency="USD", duration_minutes=120, is_active=True)
            db.session.add(service)
            db.session.commit()
            self.vendor_id, self.service_id = vendor.id, service.id

    def _scope(self):
        app_context = self.app.app_context()

        class Scope:
            def __enter__(inner):
                app_context.push()
                inner.acting = context.acting_as(organization_id=self.tenant.org_id, user_id=self.consumer_id)
                inner.acting.__enter__()

            def __exit__(inner, *exc):
                inner.acting.__exit__(*exc)
                db.session.remove()
                app_context.pop()
        return Scope()

    def booking(self, status="pending", *, paid=False, consumer_id=None, service_id=None, at=None) -> int:
        """A booking's id, moved to `status` (by staff), paid by card through the sandbox if `paid`."""
        with self._scope():
            service = db.session.get(Service, service_id or self.service_id)
            booking = bookings.create_booking(
                service, consumer_id or self.consumer_id,
                {"scheduled_at": datetime.now(timezone.utc) + timedelta(days=3), "address": "1 Main St",
                 "city": "Springfield"}, at=at)
            if paid:
                self._pay(booking)
            for target in PATH_TO[status]:
                bookings.move(booking, target, actor_id=self.tenant.user_ids["admin"],
                              reason="test" if target == "cancelled" else None)
            db.session.commit()
            return booking.id

    def _pay(self, booking):
        db.session.add(BookingPayment(booking_id=booking.id, amount=booking.amount, currency=booking.currency,
                                      method="card", status="succeeded", provider="sandbox",
                                      provider_ref=f"ch_sbx_test_{booking.id}", paid_at=datetime.now(timezone.utc)))
        booking.payment_status = "paid"
        db.session.flush()

    def vendor_with_service(self, name, service_name, price="80.00", *, status="active", category="repairs"):
        """Another vendor of the organization (no login), with one service: (vendor id, service id)."""
        with self._scope():
            vendor = Vendor(name=name, email=f"desk@{name.split()[0].lower()}.test", status=status)
            db.session.add(vendor)
            db.session.flush()
            service = Service(vendor_id=vendor.id, name=service_name, category=category, price=Decimal(price),
                              currency="USD", duration_minutes=60, is_active=True)
            db.session.add(service)
            db.session.commit()
            return vendor.id, service.id

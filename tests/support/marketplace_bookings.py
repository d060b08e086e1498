"""Bookings driven through the HTTP API, as a consumer and an admin would."""
from datetime import datetime, timedelta, timezone

from tests.support.dispatch import created


def later(days=3) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Counter:
    """`tenant`'s customer books `market`'s service; its admin and support staff work the bookings."""

    def __init__(self, client, tenant, market):
        self.client, self.tenant, self.market = client, tenant, market

    def book(self, role="customer", **fields):
        body = {"service_id": self.market.service_id, "scheduled_at": later(), "address": "1 Main St",
                "city": "Springfield", "customer_notes": "Ring twice", **fields}
        return created(self.client.post("/api/v1/bookings", headers=self.tenant.headers(role), json=body))

    def patch(self, booking_id, body, role="admin"):
        return self.client.patch(f"/api/v1/admin/bookings/{booking_id}", headers=self.tenant.headers(role), json=body)

    def detail(self, booking_id, role="admin"):
        answer = self.client.get(f"/api/v1/admin/bookings/{booking_id}", headers=self.tenant.headers(role))
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()["data"]

    def admin_list(self, query="", role="admin"):
        answer = self.client.get(f"/api/v1/admin/bookings?{query}", headers=self.tenant.headers(role))
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

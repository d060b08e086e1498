"""Building CRM data through the API, as a support agent would."""
from tests.support.dispatch import created


class Desk:
    """One organization's CRM, driven through the HTTP API (support holds crm:manage)."""

    def __init__(self, client, tenant, role="support"):
        self.client, self.tenant, self.headers = client, tenant, tenant.headers(role)

    def lead(self, name="Dana Prospect", **fields):
        body = {"name": name, "company": "Prospect Ltd", "email": "dana@prospect.test", "phone": "+15550100",
                "source": "website", "value": 1200.5, **fields}
        return created(self.client.post("/api/v1/leads", headers=self.headers, json=body))

    def deal(self, title="Annual service contract", **fields):
        body = {"title": title, "value": 5000, "stage": "proposal", "expected_close_date": "2027-01-31", **fields}
        return created(self.client.post("/api/v1/deals", headers=self.headers, json=body))

    def vendor(self, name="Harbor Plumbing Co."):
        """A vendor of the organization (vendors are the admin's to add)."""
        return created(self.client.post("/api/v1/admin/vendors", headers=self.tenant.headers("admin"),
                                        json={"name": name}))

    def issue(self, vendor_id, title="Leaking valve after repair", **fields):
        body = {"title": title, "description": "The valve replaced last week drips again", "priority": "high",
                "category": "quality", "vendor": vendor_id, **fields}
        return created(self.client.post("/api/v1/issues", headers=self.headers, json=body))

    def get(self, path, **kwargs):
        return self.client.get(path, headers=self.headers, **kwargs)

    def send(self, method, path, body=None, role=None):
        headers = self.tenant.headers(role) if role else self.headers
        return self.client.open(path, method=method, headers=headers, json=body)

    def order(self, title="Spare parts", items=None, **fields):
        lines = [{"item_name": "Filter", "sku": "F-1", "quantity": 2, "unit_price": 12.5}] if items is None else items
        body = {"title": title, "order_type": "purchase", "items": lines, **fields}
        return created(self.client.post("/api/v1/orders", headers=self.headers, json=body))

    def payment(self, amount=100, **fields):
        body = {"amount": amount, "payment_type": "incoming", "payment_method": "card", **fields}
        return created(self.client.post("/api/v1/payments", headers=self.headers, json=body))

    def activity(self, title="Call about the renewal", activity_type="call", **fields):
        body = {"title": title, "activity_type": activity_type, **fields}
        return created(self.client.post("/api/v1/activities", headers=self.headers, json=body))


def line(quantity, unit_price, name="Part"):
    """An order's line as a body sends it."""
    return {"item_name": name, "quantity": quantity, "unit_price": unit_price}

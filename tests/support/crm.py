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

    def get(self, path, **kwargs):
        return self.client.get(path, headers=self.headers, **kwargs)

    def send(self, method, path, body=None, role=None):
        headers = self.tenant.headers(role) if role else self.headers
        return self.client.open(path, method=method, headers=headers, json=body)

    def activity(self, title="Call about the renewal", activity_type="call", **fields):
        body = {"title": title, "activity_type": activity_type, **fields}
        return created(self.client.post("/api/v1/activities", headers=self.headers, json=body))

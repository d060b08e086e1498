"""Building dispatch data through the API, as a dispatcher would."""


def created(response):
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


class Board:
    """One organization's dispatch board, driven through the HTTP API."""

    def __init__(self, client, tenant, role="dispatcher"):
        self.client, self.tenant, self.headers = client, tenant, tenant.headers(role)

    def customer(self, name="ABC Corp", **fields):
        body = {"name": name, "contact_person": "Jane Doe", "email": "jane@abc.test", "phone": "+15550001",
                "address": "1 Main St", "city": "New York", **fields}
        return created(self.client.post("/api/v1/customers", headers=self.headers, json=body))

    def technician(self, name="John Smith", **fields):
        body = {"name": name, "email": f"{name.split()[0].lower()}@{self.tenant.slug}.test", "phone": "+1234567890",
                "skills": ["HVAC", "Electrical"], "status": "available", **fields}
        return created(self.client.post("/api/v1/technicians", headers=self.headers, json=body))

    def project(self, customer_id, name="Office Renovation", **fields):
        body = {"name": name, "customer_id": customer_id, "status": "active", "start_date": "2024-01-01",
                "end_date": "2024-06-30", "total_value": 150000, **fields}
        return created(self.client.post("/api/v1/projects", headers=self.headers, json=body))

    def job(self, customer_id, title="HVAC Maintenance", **fields):
        body = {"title": title, "description": "Quarterly maintenance check", "customer_id": customer_id,
                "priority": "high", "service_type": "HVAC", "scheduled_date": "2024-01-15",
                "estimated_duration": 120, "address": "123 Main St", "city": "New York", "lat": 40.7128,
                "lng": -74.0060, "value": 450.5, **fields}
        return created(self.client.post("/api/v1/jobs", headers=self.headers, json=body))

    def move(self, job_id, status, **extra):
        return self.client.put(f"/api/v1/jobs/{job_id}/status", headers=self.headers, json={"status": status, **extra})

    def assign(self, job_id, technician_id):
        return self.client.put(f"/api/v1/jobs/{job_id}/assign", headers=self.headers,
                               json={"technician_id": technician_id})

    def get(self, path, **kwargs):
        return self.client.get(path, headers=self.headers, **kwargs)

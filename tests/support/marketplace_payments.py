"""Paying bookings and working refunds over the API, as a consumer and as staff would, and pointing
the app at a fake Stripe for a while."""
from contextlib import contextmanager

from models.core.db import db
from models.integrations.sandbox_payments import SandboxTransaction
from tests.support.waiting import wait_for

TERMINAL = ("succeeded", "failed", "rejected")


@contextmanager
def configured(app, **settings):
    """The app's settings changed for the block (e.g. FakeStripe.settings()), then put back."""
    before = {name: app.config.get(name) for name in settings}
    app.config.update(settings)
    try:
        yield
    finally:
        app.config.update(before)


class Cashier:
    def __init__(self, client, tenant):
        self.client, self.tenant = client, tenant

    def pay(self, booking_id, method="card", token=None, role="customer"):
        body = {"method": method, **({"payment_token": token} if token else {})}
        return self.client.post(f"/api/v1/bookings/{booking_id}/pay", headers=self.tenant.headers(role), json=body)

    def request_refund(self, booking_id, amount=None, reason="Customer asked", role="admin"):
        body = {"booking_id": booking_id, "reason": reason, **({"amount": amount} if amount is not None else {})}
        return self.client.post("/api/v1/admin/refunds", headers=self.tenant.headers(role), json=body)

    def requested(self, booking_id, amount=None) -> dict:
        answer = self.request_refund(booking_id, amount)
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()["data"]

    def approve(self, refund_id, role="admin", note=None):
        return self.client.post(f"/api/v1/admin/refunds/{refund_id}/approve", headers=self.tenant.headers(role),
                                json={"note": note} if note else {})

    def reject(self, refund_id, reason="Not eligible", role="admin"):
        return self.client.post(f"/api/v1/admin/refunds/{refund_id}/reject", headers=self.tenant.headers(role),
                                json={"reason": reason})

    def refund(self, refund_id, role="admin") -> dict:
        answer = self.client.get(f"/api/v1/admin/refunds/{refund_id}", headers=self.tenant.headers(role))
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()["data"]

    def settled(self, refund_id, timeout=60) -> dict:
        """The refund once it is succeeded, failed or rejected."""
        wait_for(lambda: self.refund(refund_id)["status"] in TERMINAL, timeout=timeout, interval=0.2)
        return self.refund(refund_id)

    def refunds(self, query="", role="admin"):
        return self.client.get(f"/api/v1/admin/refunds{query}", headers=self.tenant.headers(role))

    def job(self, job_id, role="admin") -> dict:
        return self.client.get(f"/api/v1/admin/jobs/{job_id}", headers=self.tenant.headers(role)).get_json()["data"]


def sandbox_ledger(app, kind) -> list:
    """The sandbox provider's transactions of `kind` (charge | refund): (amount, status, failures)."""
    with app.app_context():
        rows = db.session.scalars(db.select(SandboxTransaction).where(SandboxTransaction.kind == kind)
                                  .order_by(SandboxTransaction.id)).all()
        found = [(str(row.amount), row.status, row.failures) for row in rows]
        db.session.remove()
        return found

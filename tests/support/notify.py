"""Notifications driven through the API: an admin's sends, a user's inbox and preferences."""
from models.core import context
from models.core.db import db
from models.notify.notify import notify

INBOX, ADMIN = "/api/v1/notifications", "/api/v1/admin/notifications"


class Notices:
    """One organization's notifications, through the HTTP API."""

    def __init__(self, client, tenant):
        self.client, self.tenant = client, tenant

    def send(self, by="dispatcher", **body):
        return self.client.post(ADMIN, headers=self.tenant.headers(by), json=body)

    def sent(self, by="dispatcher", **body) -> list[int]:
        r = self.send(by, **body)
        assert r.status_code == 202, r.get_json()
        return r.get_json()["data"]["notification_ids"]

    def to(self, role, title="Heads up", **body) -> int:
        """A message to the user of `role`; its notification id."""
        ids = self.sent(recipients={"user_ids": [self.tenant.user_ids[role]]}, title=title, body="Read me", **body)
        assert len(ids) == 1
        return ids[0]

    def inbox(self, role, **query) -> list[dict]:
        r = self.client.get(INBOX, headers=self.tenant.headers(role), query_string=query)
        assert r.status_code == 200, r.get_json()
        return r.get_json()["data"]

    def unread(self, role) -> int:
        return self.client.get(f"{INBOX}/unread-count", headers=self.tenant.headers(role)).get_json()["data"]["count"]

    def detail(self, notification_id, by="admin"):
        return self.client.get(f"{ADMIN}/{notification_id}", headers=self.tenant.headers(by))

    def preferences(self, role, **body):
        return self.client.put(f"{INBOX}/preferences", headers=self.tenant.headers(role), json=body)


def notify_now(app, tenant, recipients, kind, title, body, **fields) -> list[int]:
    """A domain's call of notify() in a unit of work of its own (as a task's); the notification ids."""
    with app.app_context(), context.acting_as(organization_id=tenant.org_id):
        written = notify(recipients, kind, title, body, **fields)
        db.session.commit()
        return [notification.id for notification in written]

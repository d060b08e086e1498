"""Webhook endpoints over the API: CRUD, the secret shown once, rotate, the event types, refusals (bad URL,
SSRF, unknown event type), tenancy, roles, audit."""
import pytest
from sqlalchemy import select

from models.core import context
from models.core.audit import AuditLogEntry
from models.core.db import db

PATH = "/api/v1/admin/webhooks"


class Hooks:
    def __init__(self, client, tenant, role="admin"):
        self.client, self.tenant, self.headers = client, tenant, tenant.headers(role)

    def create(self, url="https://hooks.example.com/fieldops", events=("job.*",), **fields):
        return self.client.post(PATH, headers=self.headers, json={"url": url, "events": list(events), **fields})

    def send(self, method, path, body=None):
        return self.client.open(f"{PATH}{path}", method=method, headers=self.headers, json=body)


@pytest.fixture
def hooks(client, auth):
    return Hooks(client, auth.a)


@pytest.fixture
def no_private(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE", False)
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_HTTP", False)


def test_crud_with_the_secret_shown_once(hooks):
    made = hooks.create(description="Our ERP", events=["job.status.updated", "job.assigned"])
    assert made.status_code == 201 and made.headers["Location"].endswith(f"{PATH}/{made.get_json()['data']['id']}")
    endpoint = made.get_json()["data"]
    assert endpoint["secret"].startswith("whsec_") and len(endpoint["secret"]) > 20
    assert endpoint["is_active"] is True and endpoint["consecutive_failures"] == 0
    assert endpoint["events"] == ["job.status.updated", "job.assigned"] and endpoint["description"] == "Our ERP"
    shown = hooks.send("GET", f"/{endpoint['id']}").get_json()["data"]
    assert "secret" not in shown and shown["url"] == "https://hooks.example.com/fieldops"
    listed = hooks.send("GET", "").get_json()
    assert listed["meta"]["total"] == 1 and "secret" not in listed["data"][0]
    patched = hooks.send("PATCH", f"/{endpoint['id']}", {"events": ["*"], "description": None}).get_json()["data"]
    assert patched["events"] == ["*"] and patched["description"] is None and "secret" not in patched
    assert hooks.send("DELETE", f"/{endpoint['id']}").status_code == 204
    assert hooks.send("GET", f"/{endpoint['id']}").status_code == 404
    assert hooks.send("GET", "").get_json()["meta"]["total"] == 0


def test_rotate_gives_a_new_secret_once(hooks):
    endpoint = hooks.create().get_json()["data"]
    rotated = hooks.send("POST", f"/{endpoint['id']}/rotate-secret")
    assert rotated.status_code == 200
    assert rotated.get_json()["data"]["secret"].startswith("whsec_")
    assert rotated.get_json()["data"]["secret"] != endpoint["secret"]
    assert "secret" not in hooks.send("GET", f"/{endpoint['id']}").get_json()["data"]


def test_event_types_are_every_declared_domain_event(hooks):
    answer = hooks.send("GET", "/event-types")
    assert answer.status_code == 200
    names = {t["name"]: t["description"] for t in answer.get_json()["data"]}
    assert {"job.status.updated", "job.assigned", "job.progress", "technician.updated", "dashboard.metrics.updated",
            "crm.activity.reminder_due",
            "webhook.test"} <= set(names)
    assert all(names.values())


@pytest.mark.parametrize("events", [["job.nonsense"], ["nothing.*"], [], ["job.*", "bogus"]])
def test_unknown_event_types_are_422(hooks, events):
    answer = hooks.create(events=events)
    assert answer.status_code == 422 and "events" in answer.get_json()["error"]["details"]


def test_wildcards_are_accepted(hooks):
    assert hooks.create(events=["*"]).status_code == 201
    assert hooks.create(events=["job.*", "crm.*"]).status_code == 201


@pytest.mark.parametrize("url", ["not a url", "ftp://example.com/x", "https://", "https://user:pw@example.com/x"])
def test_bad_urls_are_422(hooks, url):
    answer = hooks.create(url=url)
    assert answer.status_code == 422 and "url" in answer.get_json()["error"]["details"]


@pytest.mark.parametrize("url", ["https://127.0.0.1/", "https://10.1.2.3/", "https://169.254.169.254/latest",
                                 "https://localhost/hooks", "https://[::1]/", "https://[::ffff:10.0.0.1]/",
                                 "https://0.0.0.0/"])
def test_addresses_that_are_not_public_are_refused(hooks, no_private, url):
    answer = hooks.create(url=url)
    assert answer.status_code == 422
    assert "not public" in answer.get_json()["error"]["details"]["url"][0]


def test_http_is_refused_unless_allowed(hooks, no_private):
    answer = hooks.create(url="http://93.184.215.14/hooks")
    assert answer.status_code == 422 and "https" in answer.get_json()["error"]["details"]["url"][0]


def test_a_patched_url_is_checked_too(hooks, app, monkeypatch):
    endpoint = hooks.create().get_json()["data"]
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE", False)
    assert hooks.send("PATCH", f"/{endpoint['id']}", {"url": "https://127.0.0.1/"}).status_code == 422


def test_another_organizations_ids_are_404(client, auth, hooks):
    endpoint = hooks.create().get_json()["data"]
    theirs = Hooks(client, auth.b)
    for method, path in [("GET", f"/{endpoint['id']}"), ("PATCH", f"/{endpoint['id']}"),
                         ("DELETE", f"/{endpoint['id']}"), ("POST", f"/{endpoint['id']}/rotate-secret"),
                         ("POST", f"/{endpoint['id']}/test"), ("GET", f"/{endpoint['id']}/deliveries")]:
        body = {"description": "x"} if method == "PATCH" else None
        assert theirs.send(method, path, body).status_code == 404, (method, path)
    assert theirs.send("GET", "").get_json()["meta"]["total"] == 0
    delivery = hooks.send("POST", f"/{endpoint['id']}/test").get_json()["data"]
    assert theirs.send("GET", f"/deliveries/{delivery['id']}").status_code == 404
    assert theirs.send("POST", f"/deliveries/{delivery['id']}/replay").status_code == 404


@pytest.mark.parametrize("role", ["dispatcher", "technician", "support"])
def test_only_webhook_managers_may(client, auth, role):
    theirs = Hooks(client, auth.a, role)
    assert theirs.create().status_code == 403
    assert theirs.send("GET", "").status_code == 403
    assert theirs.send("GET", "/event-types").status_code == 403


def test_owner_may(client, auth):
    assert Hooks(client, auth.a, "owner").create().status_code == 201


def test_writes_are_audited_without_the_secret(app, hooks, auth):
    endpoint = hooks.create().get_json()["data"]
    hooks.send("POST", f"/{endpoint['id']}/rotate-secret")
    with app.app_context(), context.acting_as(organization_id=auth.a.org_id):
        entries = db.session.scalars(select(AuditLogEntry).where(AuditLogEntry.entity_type == "webhook_endpoint")
                                     .order_by(AuditLogEntry.id)).all()
        assert [e.action for e in entries][:1] == ["create"] and len(entries) >= 2
        assert all("secret" not in (e.after or {}) and "secret" not in (e.before or {}) for e in entries)
        assert entries[0].actor_id == auth.a.user_ids["admin"]


def test_a_disabled_endpoint_is_not_tested_until_enabled(hooks):
    endpoint = hooks.create().get_json()["data"]
    off = hooks.send("PATCH", f"/{endpoint['id']}", {"is_active": False}).get_json()["data"]
    assert off["is_active"] is False and off["disabled_reason"]
    assert hooks.send("POST", f"/{endpoint['id']}/test").status_code == 409
    on = hooks.send("PATCH", f"/{endpoint['id']}", {"is_active": True}).get_json()["data"]
    assert on["is_active"] is True and on["disabled_reason"] is None
    assert hooks.send("POST", f"/{endpoint['id']}/test").status_code == 202


def test_deliveries_list_filters_and_sorts(hooks):
    endpoint = hooks.create(events=["*"]).get_json()["data"]
    for _ in range(2):
        assert hooks.send("POST", f"/{endpoint['id']}/test").status_code == 202
    for sort in ("created_at", "-created_at"):
        listed = hooks.send("GET", f"/{endpoint['id']}/deliveries?sort={sort}").get_json()
        assert listed["meta"]["total"] == 2
    ids = [d["id"] for d in hooks.send("GET", f"/{endpoint['id']}/deliveries?sort=created_at").get_json()["data"]]
    assert ids == sorted(ids)
    assert hooks.send("GET", f"/{endpoint['id']}/deliveries?event=webhook.test&status=queued,sending,sent,failed"
                      ).get_json()["meta"]["total"] == 2
    assert hooks.send("GET", f"/{endpoint['id']}/deliveries?event=job.assigned").get_json()["meta"]["total"] == 0
    assert hooks.send("GET", f"/{endpoint['id']}/deliveries?status=bogus").status_code == 422

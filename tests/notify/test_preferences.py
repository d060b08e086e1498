"""Preferences filter the channels of every kind but those that cannot be muted (docs/notifications.md)."""
import pytest

from tests.support.notify import INBOX, Notices, notify_now


@pytest.fixture
def notices(client, auth):
    return Notices(client, auth.a)


def test_defaults_and_changes(notices, client, auth):
    got = client.get(f"{INBOX}/preferences", headers=auth.a.headers("support")).get_json()["data"]
    assert {k: got[k] for k in ("email", "push", "muted_kinds")} == {"email": True, "push": True, "muted_kinds": []}
    assert "admin.message" in got["mutable_kinds"] and "account.temporary_password" not in got["mutable_kinds"]
    r = notices.preferences("support", email=False)
    assert r.status_code == 200 and r.get_json()["data"]["email"] is False
    after = notices.preferences("support", muted_kinds=["job.assigned"]).get_json()["data"]
    assert (after["email"], after["push"], after["muted_kinds"]) == (False, True, ["job.assigned"])
    refused = notices.preferences("support", muted_kinds=["account.temporary_password", "no.such"])
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"]["muted_kinds"] == [
        "no notification kind 'no.such'", "'account.temporary_password' cannot be muted"]
    assert notices.preferences("support", email="no").status_code == 422
    mine = client.get(f"{INBOX}/preferences", headers=auth.a.headers("technician")).get_json()["data"]
    assert mine["email"] is True  # one user's preferences are theirs alone


def test_a_muted_kind_reaches_nobody_and_email_off_drops_email(notices, auth):
    notices.preferences("support", muted_kinds=["admin.message"])
    notices.preferences("technician", email=False)
    r = notices.send(recipients={"roles": ["support", "technician"]}, title="Rota", channels=["in_app", "email"])
    assert r.get_json()["data"]["count"] == 1
    (nid,) = r.get_json()["data"]["notification_ids"]
    detail = notices.detail(nid).get_json()["data"]
    assert detail["recipient"]["id"] == auth.a.user_ids["technician"] and detail["channels"] == ["in_app"]
    assert notices.inbox("support") == []


def test_kinds_that_cannot_be_muted_ignore_preferences(app, notices, auth):
    notices.preferences("support", email=False)
    (nid,) = notify_now(app, auth.a, [auth.a.user_ids["support"]], "account.temporary_password",
                        "Your temporary password", "Tmp-Pass-1234")
    detail = notices.detail(nid).get_json()["data"]
    assert [(d["channel"], d["target"]) for d in detail["deliveries"]] == [("email", auth.a.email("support"))]

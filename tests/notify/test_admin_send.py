"""Admin sends: by user, role and technician; what is refused; who may (docs/notifications.md)."""
import pytest

from tests.support.dispatch import Board
from tests.support.notify import ADMIN, Notices


@pytest.fixture
def notices(client, auth):
    return Notices(client, auth.a)


def test_send_by_users_roles_and_technicians_once_each(notices, client, auth):
    board = Board(client, auth.a)
    linked = board.technician("Terry Tech", user_id=auth.a.user_ids["technician"])
    r = notices.send(recipients={"user_ids": [auth.a.user_ids["support"]], "roles": ["support", "customer"],
                                 "technician_ids": [linked["id"]]}, title="Storm warning", body="Stay safe",
                     priority="high", data={"zone": 4})
    assert r.status_code == 202 and r.headers["Location"].startswith("/api/v1/admin/notifications/")
    sent = r.get_json()["data"]
    assert sent["count"] == 3 == len(sent["notification_ids"])  # support once, the customer, the technician
    for role in ("support", "customer", "technician"):
        (item,) = notices.inbox(role)
        assert item["title"] == "Storm warning" and item["priority"] == "high" and item["data"] == {"zone": 4}
    detail = notices.detail(sent["notification_ids"][0]).get_json()["data"]
    assert detail["status"] == "sent" and detail["channels"] == ["in_app"]  # no push device yet: in-app only
    assert detail["created_by"] == auth.a.user_ids["dispatcher"]
    assert [(d["channel"], d["status"]) for d in detail["deliveries"]] == [("in_app", "sent")]
    listed = client.get(ADMIN, headers=auth.a.headers(), query_string={"recipient": auth.a.user_ids["customer"]})
    assert [n["recipient"]["id"] for n in listed.get_json()["data"]] == [auth.a.user_ids["customer"]]
    assert listed.get_json()["meta"]["total"] == 1


def test_a_technician_without_an_account_is_mailed(notices, client, auth):
    loner = Board(client, auth.a).technician("Lone Wolf")
    (nid,) = notices.sent(recipients={"technician_ids": [loner["id"]]}, title="Hello", body="Welcome aboard")
    detail = notices.detail(nid).get_json()["data"]
    assert detail["recipient"] is None and detail["recipient_email"] == "lone@alpha.test"
    assert [(d["channel"], d["target"], d["status"]) for d in detail["deliveries"]] == [
        ("email", "lone@alpha.test", "queued")]


def test_unknown_and_other_organizations_recipients_are_named(notices, client, auth):
    theirs = Board(client, auth.b).technician("Their Tech")

    def details(recipients):
        r = notices.send(recipients=recipients, title="Hi")
        assert r.status_code == 422, r.get_json()
        return r.get_json()["error"]["details"]["recipients"]

    assert details({"user_ids": [auth.b.user_ids["support"], 99999]}) == {"user_ids": [
        f"no user {auth.b.user_ids['support']} in the organization", "no user 99999 in the organization"]}
    assert details({"roles": ["wizard"]}) == {"roles": ["no role 'wizard' in the organization"]}
    assert details({"technician_ids": [theirs["id"]]}) == {
        "technician_ids": [f"no technician {theirs['id']} in the organization"]}
    assert details({}) and details({"user_ids": []})
    assert notices.send(recipients={"user_ids": [1]}).status_code == 422  # no title
    assert client.get(ADMIN, headers=auth.a.headers()).get_json()["meta"]["total"] == 0


def test_only_senders_see_and_send_and_other_organizations_are_not_found(notices, client, auth):
    nid = notices.to("support")
    for role in ("technician", "support", "customer"):
        assert notices.send(by=role, recipients={"roles": ["admin"]}, title="x").status_code == 403
        assert client.get(ADMIN, headers=auth.a.headers(role)).status_code == 403
        assert notices.detail(nid, by=role).status_code == 403
    assert client.post("/api/v1/mobile/notifications/send", headers=auth.a.headers("technician"),
                       json={"recipients": {"roles": ["admin"]}, "title": "x"}).status_code == 403
    assert notices.detail(nid, by="owner").status_code == 200
    assert Notices(client, auth.b).detail(nid).status_code == 404
    assert client.post(f"{ADMIN}/{nid}/cancel", headers=auth.b.headers()).status_code == 404
    theirs = client.get(ADMIN, headers=auth.b.headers(), query_string={"recipient_id": auth.a.user_ids["support"]})
    assert theirs.status_code == 422


def test_the_mobile_spelling_sends_the_same(notices, client, auth):
    r = client.post("/api/v1/mobile/notifications/send", headers=auth.a.headers("dispatcher"),
                    json={"recipients": {"user_ids": [auth.a.user_ids["technician"]]}, "title": "From the phone"})
    assert r.status_code == 202 and r.get_json()["data"]["count"] == 1
    assert [n["title"] for n in notices.inbox("technician")] == ["From the phone"]


def test_a_sent_notification_is_not_cancelled(notices, client, auth):
    nid = notices.to("support")
    r = client.post(f"{ADMIN}/{nid}/cancel", headers=auth.a.headers())
    assert r.status_code == 409
    assert r.get_json()["error"]["code"] == "INVALID_TRANSITION"
    assert r.get_json()["error"]["details"]["allowed"] == ["scheduled"]

"""The in-app inbox: one's own notifications, read and unread, and their count (docs/notifications.md)."""
import pytest

from tests.support.notify import INBOX, Notices


@pytest.fixture
def notices(client, auth):
    return Notices(client, auth.a)


def test_the_inbox_counts_reads_and_reads_all(notices, client, auth):
    first, second = notices.to("technician", "First"), notices.to("technician", "Second", url="/jobs/7")
    notices.to("support", "Not yours")
    inbox = notices.inbox("technician")
    assert [(n["id"], n["title"], n["read_at"]) for n in inbox] == [(second, "Second", None), (first, "First", None)]
    assert inbox[0]["kind"] == "admin.message" and inbox[0]["url"] == "/jobs/7" and inbox[0]["body"] == "Read me"
    assert notices.unread("technician") == 2

    headers = auth.a.headers("technician")
    read = client.post(f"{INBOX}/{first}/read", headers=headers)
    assert read.status_code == 200 and read.get_json()["data"]["read_at"] is not None
    assert notices.unread("technician") == 1
    assert [n["id"] for n in notices.inbox("technician", unread="true")] == [second]
    assert [n["id"] for n in notices.inbox("technician", unread="false")] == [first]
    again = client.post(f"{INBOX}/{first}/read", headers=headers).get_json()["data"]
    assert again["read_at"] == read.get_json()["data"]["read_at"]  # the first time is kept

    assert client.post(f"{INBOX}/read-all", headers=headers).get_json()["data"] == {"updated": 1}
    assert notices.unread("technician") == 0 and notices.unread("support") == 1
    assert client.post(f"{INBOX}/read-all", headers=headers).get_json()["data"] == {"updated": 0}


def test_only_ones_own_notifications(notices, client, auth):
    theirs = notices.to("support")
    other_org = Notices(client, auth.b).to("support")
    for nid in (theirs, other_org):
        r = client.post(f"{INBOX}/{nid}/read", headers=auth.a.headers("technician"))
        assert r.status_code == 404 and r.get_json()["error"]["code"] == "NOT_FOUND"
    assert notices.inbox("technician") == [] and notices.unread("support") == 1
    assert client.post(f"{INBOX}/{other_org}/read", headers=auth.a.headers("support")).status_code == 404
    assert [n["kind"] for n in notices.inbox("support", kind="admin.message")] == ["admin.message"]
    assert notices.inbox("support", kind="job.assigned") == []

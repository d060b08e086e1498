"""One unit of work per request (docs/architecture.md#unit-of-work): a write that
succeeds is committed once, with its idempotency record; a request that fails, in
its view or at its commit, keeps, enqueues and announces nothing; a read commits nothing."""
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from models.dispatch import Customer
from models.identity import User
from models.ops.outbox import OutboxMessage
from tests.support.dispatch import Board
from tests.support.waiting import count_commits

CUSTOMERS = "/api/v1/customers"


def _count(db, stmt) -> int:
    db.session.rollback()  # a fresh snapshot: what is committed now
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()).execution_options(all_tenants=True))


def test_a_request_that_fails_after_writing_keeps_and_enqueues_nothing(client, auth, db, redis_client):
    r = client.post("/api/v1/_test/write-then-fail", headers=auth.a.headers("admin"))
    assert r.status_code == 409 and r.get_json()["success"] is False
    assert _count(db, select(User.id).where(User.email == "ghost@example.test")) == 0
    assert _count(db, select(OutboxMessage.id)) == 0
    assert redis_client.llen("maintenance") == 0  # nothing was published either

    # control: a write that succeeds publishes its task
    r = client.post("/api/v1/admin/exports", headers=auth.a.headers("admin"), json={"resource": "jobs"})
    assert r.status_code == 202
    assert redis_client.llen("exports") == 1 and _count(db, select(OutboxMessage.id)) == 0


def test_a_commit_that_fails_is_an_error_answer_and_keeps_nothing(client, auth, db, redis_client):
    """The view succeeded; its commit did not (a duplicate row): the client hears the conflict, never
    a success that was not kept, and may retry with the same Idempotency-Key."""
    headers = auth.a.headers("admin", **{"Idempotency-Key": "commit-fails-1"})
    for _ in range(2):  # the second is run again, not replayed: the first's claim was released
        r = client.post("/api/v1/_test/conflict-at-commit", headers=headers)
        assert r.status_code == 409 and r.get_json()["error"]["code"] == "CONFLICT"
        assert "Idempotent-Replayed" not in r.headers and r.headers["X-Request-ID"]
    assert _count(db, select(Customer.id).where(Customer.name == "Never kept")) == 0
    assert _count(db, select(OutboxMessage.id)) == 0
    assert redis_client.llen("maintenance") == 0


def test_a_write_commits_once_with_its_idempotency_record_and_a_read_not_at_all(client, auth, db):
    headers = auth.a.headers("admin", **{"Idempotency-Key": "customer-1"})
    with count_commits() as commits:
        r = client.post(CUSTOMERS, headers=headers, json={"name": "ACME"})
    assert r.status_code == 201 and commits[0] == 1
    created = r.get_json()["data"]
    assert r.headers["Location"].endswith(f"{CUSTOMERS}/{created['id']}") and created["created_at"]

    replay = client.post(CUSTOMERS, headers=headers, json={"name": "ACME"})
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.get_json()["data"] == created
    assert _count(db, select(Customer.id).where(Customer.name == "ACME")) == 1

    with count_commits() as commits:
        assert client.get(f"{CUSTOMERS}/{created['id']}", headers=auth.a.headers("admin")).status_code == 200
        assert client.get(CUSTOMERS, headers=auth.a.headers("admin")).status_code == 200
    assert commits[0] == 0


def test_an_edit_answers_with_what_its_commit_keeps(client, auth):
    created = client.post(CUSTOMERS, headers=auth.a.headers("admin"), json={"name": "ACME"}).get_json()["data"]
    edited = client.patch(f"{CUSTOMERS}/{created['id']}", headers=auth.a.headers("admin"),
                          json={"name": "ACME Corp"}).get_json()["data"]
    assert edited["updated_at"] > created["updated_at"]
    assert client.get(f"{CUSTOMERS}/{created['id']}", headers=auth.a.headers("admin")).get_json()["data"] == edited


def test_a_write_is_committed_before_its_answer_is_written(client, auth, db):
    """What a change announces leaves at its commit: a status change commits first, then reads what
    its answer shows beyond the job (notes, photos, currency), which still shows the job as changed."""
    board = Board(client, auth.a)
    job = board.job(board.customer()["id"], "Leaking pipe")
    board.client.post(f"/api/v1/jobs/{job['id']}/notes", headers=board.headers, json={"body": "Ring twice"})
    order = []
    statement = lambda *args: order.append(args[2].split()[0] + (" job_notes" if "job_notes" in args[2] else ""))
    committed = lambda _session: order.append("commit")
    event.listen(db.engine, "before_cursor_execute", statement)
    event.listen(Session, "after_commit", committed)
    try:
        r = board.client.put(f"/api/v1/jobs/{job['id']}/status", headers=board.headers, json={"status": "scheduled"})
    finally:
        event.remove(db.engine, "before_cursor_execute", statement)
        event.remove(Session, "after_commit", committed)
    assert r.status_code == 200
    data = r.get_json()["data"]
    assert data["status"] == "scheduled" and data["version"] == job["version"] + 1
    assert [n["body"] for n in data["notes"]] == ["Ring twice"]
    first_commit = order.index("commit")
    assert "UPDATE" in order[:first_commit]
    assert "SELECT job_notes" in order[first_commit:]

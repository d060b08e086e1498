"""Fail-closed tenancy: a read of a tenant table with no organization bound is a loud
error, never every organization's rows; crossing tenants takes `all_tenants=True`
(docs/architecture.md, "Actor and tenancy")."""
import logging

import pytest
from sqlalchemy import delete, select, update

from models.core import context
from models.core.tenancy import TenantNotBound
from models.dispatch import Customer, Job
from tests.support.dispatch import Board
from tests.support.sample_tasks import count_jobs


@pytest.fixture
def two_boards(client, auth):
    """A job in each organization."""
    boards = {}
    for name, tenant in (("a", auth.a), ("b", auth.b)):
        board = Board(client, tenant)
        board.job(board.customer(f"{name} Corp")["id"], title=f"Job of {name}")
        boards[name] = board
    return boards


def test_a_public_route_that_binds_no_organization_cannot_read_a_tenant_table(client, two_boards, caplog):
    with caplog.at_level(logging.ERROR):
        r = client.get("/api/v1/_test/jobs-unscoped")
    assert r.status_code == 500
    assert r.get_json()["error"]["code"] == "INTERNAL_ERROR"
    assert "Job of" not in r.get_data(as_text=True)
    assert any(record.exc_info and record.exc_info[0] is TenantNotBound for record in caplog.records)


def test_all_tenants_is_the_explicit_escape(client, two_boards):
    assert client.get("/api/v1/_test/jobs-of-every-organization").get_json() == {"count": 2}


def test_a_task_with_no_organization_cannot_read_a_tenant_table(app, two_boards):
    unscoped = count_jobs.apply()
    assert unscoped.failed() and isinstance(unscoped.result, TenantNotBound)
    assert count_jobs.apply(kwargs={"all_tenants": True}).get() == 2


def test_the_system_actor_crosses_tenants_only_with_all_tenants(db, two_boards):
    with context.as_system():
        assert context.current().kind == context.SYSTEM
        with pytest.raises(TenantNotBound):
            db.session.scalars(select(Job)).all()
        assert len(db.session.scalars(select(Job).execution_options(all_tenants=True)).all()) == 2


def test_unscoped_writes_fail_too(db, two_boards):
    for statement in (update(Job).values(title="Everyone's"), delete(Customer)):
        with pytest.raises(TenantNotBound):
            db.session.execute(statement)
        db.session.rollback()
    db.session.add(Customer(name="Nobody's"))
    with pytest.raises(TenantNotBound):
        db.session.flush()
    db.session.rollback()
    titles = db.session.scalars(select(Job.title).order_by(Job.title).execution_options(all_tenants=True)).all()
    assert titles == ["Job of a", "Job of b"]


def test_a_bound_organization_still_sees_only_its_own_rows(db, auth, two_boards):
    with context.acting_as(organization_id=auth.b.org_id):
        assert db.session.scalars(select(Job.title)).all() == ["Job of b"]

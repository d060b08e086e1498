"""Routes that exist only in the test app, to drive failure paths no real
endpoint can be made to take on demand."""
from flask import Blueprint, abort, g, jsonify
from sqlalchemy import create_engine, func, select, text

from models.core import events
from models.core.db import db
from models.dispatch import Customer, Job
from models.identity import Role
from models.identity.sessions import SessionsEnded
from models.identity.user import create_user
from models.ops import outbox
from scripts.services import free_port
from web.auth import public, signed_in

blp = Blueprint("test_support", __name__, url_prefix="/api/v1/_test")


@blp.get("/boom")
@public
def boom():
    raise RuntimeError("an unexpected bug")


@blp.get("/database-down")
@public
def database_down():
    """Queries a database server that is not there (a real connection failure)."""
    engine = create_engine(f"postgresql+psycopg2://postgres@127.0.0.1:{free_port()}/gone",
                           connect_args={"connect_timeout": 2})
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


@blp.post("/write-then-fail")
@signed_in
def write_then_fail():
    """Creates a user, enqueues a task and records an event for the caller, then fails before commit."""
    create_user(email="ghost@example.test", name="Ghost", password="password-1", role="technician")
    db.session.flush()
    outbox.enqueue("maintenance.purge_expired")
    events.record(SessionsEnded(g.user.id, "test"))
    abort(409)


@blp.post("/conflict-at-commit")
@signed_in
def conflict_at_commit():
    """Adds a customer, enqueues a task and records an event for the caller, and a second role named
    like one that exists: the view succeeds (204), the commit that follows it fails."""
    db.session.add(Customer(name="Never kept"))
    outbox.enqueue("maintenance.purge_expired")
    events.record(SessionsEnded(g.user.id, "test"))
    db.session.add(Role(name="admin", description="A second admin role", permissions=[]))
    return "", 204


@blp.post("/crash")
@signed_in
def crash():
    raise RuntimeError("an unexpected bug while handling a write")


@blp.get("/jobs-unscoped")
@public
def jobs_unscoped():
    """A public route that forgets to find its organization, then reads a tenant table."""
    return jsonify(titles=db.session.scalars(select(Job.title)).all())


@blp.get("/jobs-of-every-organization")
@public
def jobs_of_every_organization():
    """A public route that crosses tenants on purpose (as one finding a public token's organization)."""
    return jsonify(count=db.session.scalar(select(func.count(Job.id)).execution_options(all_tenants=True)))

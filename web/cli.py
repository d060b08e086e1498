"""Flask CLI commands: `flask --app web seed-demo`."""
import functools
import random

import click
from sqlalchemy import func, select

from models.analytics import rollups
from models.core import context
from models.core.db import as_utc, db
from models.core.local_time import local_date
from models.core.unit_of_work import unit_of_work
from models.crm.demo_data import seed_crm
from models.dispatch import Job
from models.dispatch.demo_data import seed_dispatch
from models.identity import Organization
from models.identity.accounts import register
from models.identity.user import create_user
from models.marketplace.booking import Booking
from models.marketplace.demo_data import DEMO_CONSUMER_LOGIN, DEMO_VENDOR_LOGIN, seed_marketplace
from models.notify.demo_data import seed_notifications
from models.vendors.demo_data import seed_vendors

DEMO_SLUG = "acme-field-services"
DEMO_PASSWORD = "demo-password-1"
DEMO_USERS = (
    ("admin", "Alex Admin", "admin@demo.fieldops.test"),
    ("dispatcher", "Dana Dispatcher", "dispatch@demo.fieldops.test"),
    ("technician", "Terry Technician", "tech@demo.fieldops.test"),
    ("customer", "Casey Customer", "customer@demo.fieldops.test"),
    ("support", "Sam Support", "support@demo.fieldops.test"),
)
OWNER_EMAIL = "owner@demo.fieldops.test"
DEMO_RANDOM_SEED = 20240115


def seed_demo() -> bool:
    """Create the demo organization once. Returns False when it already existed. The caller commits."""
    if db.session.scalar(select(Organization.id).where(Organization.slug == DEMO_SLUG)) is not None:
        return False
    org, _owner = register(organization_name="Acme Field Services", name="Olivia Owner",
                           email=OWNER_EMAIL, password=DEMO_PASSWORD, timezone="America/New_York")
    with context.acting_as(organization_id=org.id):
        users = {role: create_user(email=email, name=name, password=DEMO_PASSWORD, role=role, acting_role="owner")
                 for role, name, email in DEMO_USERS}
        db.session.flush()
        seed_dispatch(org.id, rng=random.Random(DEMO_RANDOM_SEED), technician_users=[users["technician"]])
        seed_vendors(org.id)
        seed_marketplace(org, rng=random.Random(DEMO_RANDOM_SEED), password=DEMO_PASSWORD,
                         admin_id=users["admin"].id, support_id=users["support"].id)
        seed_crm(org.id, rng=random.Random(DEMO_RANDOM_SEED), assignees=[users["support"], users["dispatcher"]])
        seed_notifications(org.id, users=list(users.values()), sender=users["dispatcher"])
        _refresh_analytics(org.id, org.timezone)
    return True


def _refresh_analytics(organization_id: int, tz_name: str) -> None:
    """Roll up every day the seeded jobs and bookings touch, so analytics show them at once (beat
    only keeps yesterday and today fresh)."""
    firsts = [db.session.scalar(select(func.min(model.created_at)).where(model.organization_id == organization_id))
              for model in (Job, Booking)]
    first = min((as_utc(moment) for moment in firsts if moment is not None), default=None)
    today = local_date(tz_name)
    rollups.refresh_all(organization_id, local_date(tz_name, first) if first else today, today)


def command(app, name: str):
    """`@command(app, "name")`: a CLI command run as one unit of work (models.core.unit_of_work),
    committed when it returns, rolled back when it fails."""

    def decorator(function):
        @functools.wraps(function)
        def in_a_unit_of_work(*args, **kwargs):
            with unit_of_work():
                return function(*args, **kwargs)

        return app.cli.command(name)(in_a_unit_of_work)

    return decorator


def register_commands(app) -> None:
    @command(app, "seed-demo")
    def seed_demo_command():
        """Load the demo organization (once) and print its logins."""
        created = seed_demo()
        click.echo("Demo organization created." if created else "Demo organization already present.")
        click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email in (OWNER_EMAIL, *(email for _, _, email in DEMO_USERS)):
            click.echo(f"  {email}")
        click.echo(f"  {DEMO_VENDOR_LOGIN[1]} (marketplace vendor: {DEMO_VENDOR_LOGIN[2]})")
        click.echo(f"  {DEMO_CONSUMER_LOGIN[1]} (marketplace consumer)")

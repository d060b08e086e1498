"""Document numbers: per organization, prefix and year (the organization's), gap-free under
concurrency and rollbacks."""
import threading
from datetime import datetime, timezone

import pytest

from models.core import context
from models.core.db import db as _db
from models.core.numbering import next_number, next_number_for
from models.identity.accounts import register


def _organization(db, name, tz="UTC"):
    org, _ = register(organization_name=name, name=name, email=f"owner@{name.lower()}.test", password="x" * 12,
                      timezone=tz)
    db.session.commit()
    return org


def test_numbers_count_up_per_organization_prefix_and_year(db):
    alpha, bravo = _organization(db, "Alpha"), _organization(db, "Bravo")
    with context.acting_as(organization_id=alpha.id):
        assert [next_number("BKG", 2026) for _ in range(3)] == ["BKG-2026-0001", "BKG-2026-0002", "BKG-2026-0003"]
        assert next_number("ISS", 2026) == "ISS-2026-0001"
        assert next_number("BKG", 2027) == "BKG-2027-0001"
        db.session.commit()
    with context.acting_as(organization_id=bravo.id):
        assert next_number("BKG", 2026) == "BKG-2026-0001"
        db.session.commit()
    with context.acting_as(organization_id=alpha.id):
        assert next_number("BKG", 2026) == "BKG-2026-0004"
        db.session.commit()


def test_a_rolled_back_creation_gives_its_number_back(db):
    org = _organization(db, "Alpha")
    with context.acting_as(organization_id=org.id):
        assert next_number("ORD", 2026) == "ORD-2026-0001"
        db.session.commit()
        assert next_number("ORD", 2026) == "ORD-2026-0002"
        db.session.rollback()  # the order was not created after all
        assert next_number("ORD", 2026) == "ORD-2026-0002"
        db.session.commit()
        db.session.rollback()
        assert next_number("PAY", 2026) == "PAY-2026-0001"
        db.session.rollback()  # even the year's first number
        assert next_number("PAY", 2026) == "PAY-2026-0001"


def test_the_year_is_the_organizations(db):
    auckland = _organization(db, "Kiwi", tz="Pacific/Auckland")
    london = _organization(db, "Brit", tz="Europe/London")
    new_years_eve = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)  # 12:30 on 1 January in Auckland
    with context.acting_as(organization_id=auckland.id):
        assert next_number_for(auckland, "BKG", new_years_eve) == "BKG-2027-0001"
    with context.acting_as(organization_id=london.id):
        assert next_number_for(london, "BKG", new_years_eve) == "BKG-2026-0001"
    db.session.commit()


def test_a_prefix_is_capital_letters(db):
    org = _organization(db, "Alpha")
    with context.acting_as(organization_id=org.id), pytest.raises(ValueError):
        next_number("bkg-1", 2026)


def test_fifty_concurrent_creations_get_0001_to_0050(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite lets one transaction write at a time: concurrent creations queue on its lock, no race to test")
    org = _organization(db, "Alpha")
    db.session.remove()
    start, numbers, errors = threading.Barrier(50), [], []

    def create():
        try:
            with app.app_context(), context.acting_as(organization_id=org.id):
                start.wait(timeout=30)
                number = next_number("BKG", 2026)  # the first one inserts the year's row: a race too
                _db.session.commit()
                numbers.append(number)
        except Exception as error:  # reported below, with the numbers
            errors.append(repr(error))

    threads = [threading.Thread(target=create) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(numbers) == [f"BKG-2026-{n:04d}" for n in range(1, 51)]

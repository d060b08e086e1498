"""Money: one rounding rule, Decimals kept exact in the database (PostgreSQL and SQLite)
and written as JSON numbers with two decimals."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models.core import context, money
from models.dispatch import Customer, Job
from models.identity.accounts import register


@pytest.mark.parametrize("given, rounded", [
    ("2.345", "2.35"), ("2.344", "2.34"), ("2.355", "2.36"), ("0.005", "0.01"), ("0.004", "0.00"),
    ("-2.345", "-2.35"), ("-0.004", "0.00"), (7, "7.00"), (Decimal("1234.35"), "1234.35"),
    ("9999999999.994", "9999999999.99"),
])
def test_rounding_is_half_up_to_the_cent(given, rounded):
    result = money.round_half_up(given)
    assert str(result) == rounded  # the value and its two decimals


def test_a_float_is_not_money():
    with pytest.raises(TypeError):
        money.round_half_up(2.675)  # already 2.67499999..., whichever way it would round


def test_decimals_are_written_as_json_numbers_with_their_decimals():
    text = money.json_dumps({"value": Decimal("0.10"), "big": Decimal("9999999999.99"), "n": 3, "f": 1.5})
    assert text == '{"value": 0.10, "big": 9999999999.99, "n": 3, "f": 1.5}'
    assert money.json_loads(text)["value"] == Decimal("0.10")


def test_money_columns_hold_decimals_exactly_and_sum_them_exactly(db):
    org, _ = register(organization_name="Ledger", name="L", email="owner@ledger.test", password="x" * 12)
    values = [Decimal("0.10"), Decimal("0.20"), Decimal("1234.35"), Decimal("9999999999.99"), Decimal("0.01")] * 20
    with context.acting_as(organization_id=org.id):
        customer = Customer(name="C")
        db.session.add(customer)
        db.session.flush()
        db.session.add_all(Job(title=f"J{i}", customer_id=customer.id, value=value) for i, value in enumerate(values))
        db.session.commit()
        db.session.expunge_all()
        stored = db.session.scalars(select(Job.value).order_by(Job.id)).all()
        total = db.session.scalar(select(func.sum(Job.value)))
    assert [str(value) for value in stored] == [str(value) for value in values]
    assert str(total) == "200000024693.00" and total == sum(values)  # in floats: 200000024693.00018

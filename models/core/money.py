"""Money: a `Decimal` in Python, `Numeric(12, 2)` in the database, a JSON number with two
decimals on the wire (docs/api.md#money). It never passes through a float on the way.

- `round_half_up` is the one rounding rule: to the cent, halves away from zero.
- `Money()` is the column type. PostgreSQL stores NUMERIC(12, 2) exactly. SQLite has no
  decimal type (a NUMERIC column holds floats), so there the same column holds whole cents,
  an integer: values and their sums stay exact. Aggregate money with sum, min or max (they
  keep the column's type); anything else needs `type_coerce(..., Money())`.
- `json_dumps` / `json_loads` write and read Decimals as JSON numbers: the standard
  library refuses Decimals, and Flask's provider writes them as strings."""
from decimal import ROUND_HALF_UP, Decimal

import simplejson
from sqlalchemy import Numeric
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAXIMUM = Decimal("9999999999.99")  # the most Numeric(12, 2) holds


def decimal_of(value: Decimal | int | str | float) -> Decimal:
    """`value` as a Decimal; a float (one a JSON parser or column handed over) as the number its
    shortest form shows: 0.1 is 0.1, not 0.1000000000000000055511151231257827."""
    return Decimal(repr(value) if isinstance(value, float) else value)


def round_half_up(value: Decimal | int | str) -> Decimal:
    """`value` to the cent, halves away from zero: 2.345 is 2.35, -2.345 is -2.35.
    A float is refused: it is already inexact (2.675 is 2.67499999...)."""
    if isinstance(value, float):
        raise TypeError("money is never a float: pass a Decimal, an int or a str")
    rounded = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return rounded if rounded else ZERO  # never -0.00


class Money(TypeDecorator):
    """NUMERIC(12, 2); whole cents on SQLite (see the module's docstring)."""

    impl = Numeric(12, 2)
    cache_ok = True

    @property
    def python_type(self):  # what a value of the column is (a list cursor parses its keys by it)
        return Decimal

    def bind_processor(self, dialect):
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def to_cents(value):
            return None if value is None else int(round_half_up(decimal_of(value)).scaleb(2))
        return to_cents

    def result_processor(self, dialect, coltype):
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)

        def from_cents(value):
            if value is None:
                return None
            if isinstance(value, float):  # arithmetic in SQL (an avg): to the cent
                value = f"{value:.0f}"
            return Decimal(value).scaleb(-2)
        return from_cents


def json_dumps(obj, **kwargs) -> str:
    """json.dumps, writing a Decimal as a number (`12.50`). Named tuples stay arrays, as there."""
    return simplejson.dumps(obj, use_decimal=True, namedtuple_as_object=False, **kwargs)


def json_loads(text, **kwargs):
    """json.loads, reading a number with a fraction or exponent as a Decimal, exactly."""
    return simplejson.loads(text, use_decimal=True, **kwargs)


def json_encoder(**kwargs) -> simplejson.JSONEncoder:
    """A reusable encoder (`.encode(obj)`) with json_dumps' behaviour, for streams of rows."""
    return simplejson.JSONEncoder(use_decimal=True, namedtuple_as_object=False, **kwargs)

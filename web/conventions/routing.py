"""URL converters. An `<int:...>` id in a path is a positive 32-bit integer, as our id
columns are: anything larger cannot name a row, so it is not found (404) instead of
overflowing the database driver."""
from werkzeug.routing import IntegerConverter

from models.core.db import MAX_INT


class IdConverter(IntegerConverter):
    def __init__(self, url_map, fixed_digits=0, min=1, max=MAX_INT, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

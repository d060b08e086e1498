"""How exported cells are written (models.ops.exports streams the rows).

Formats. CSV is for spreadsheets: UTF-8 with a BOM (Excel reads it as UTF-8),
a header row, RFC 4180 quoting, and text cells starting with = + - @ tab or
carriage return prefixed with a single quote (OWASP's CSV-injection advice), so
`=HYPERLINK(...)` shows as text instead of running; a phone number `+1555...`
shows as `'+1555...` for the same reason. JSONL is for programs: one JSON object
per row, values exact and typed (numbers, money as numbers with two decimals,
booleans, null, ISO 8601 times), not neutralised: JSON strings are never
evaluated, and a quote prepended to data a program reads would corrupt it (a
spreadsheet import of JSON goes through a parser that types cells as text)."""
import csv
import json
from datetime import date

from sqlalchemy import JSON, Boolean, DateTime, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from models.core import money

FORMULA_START = frozenset("=+-@\t\r")  # a CSV text cell starting with one of these gets a leading '


class utc_iso_text(FunctionElement):
    """A timestamp as the API writes it (ISO 8601, UTC, `Z`), formatted by the
    database: parsing timestamps into Python objects only to format them again
    cost more than any other column of a large export."""
    type = String()
    inherit_cache = True


@compiles(utc_iso_text, "postgresql")
def _utc_iso_text_postgresql(element, compiler, **kw):
    [column] = element.clauses.clauses
    value = compiler.process(column, **kw)
    if getattr(column.type, "timezone", False):
        value = f"({value} AT TIME ZONE 'UTC')"
    return f"to_char({value}, 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"


@compiles(utc_iso_text, "sqlite")
def _utc_iso_text_sqlite(element, compiler, **kw):
    """SQLite holds UTC times as text, `YYYY-MM-DD HH:MM:SS.ffffff`."""
    return f"(replace({compiler.process(element.clauses.clauses[0], **kw)}, ' ', 'T') || 'Z')"


def selected(expr):
    """What to select for a column: timestamps as text formatted by the database."""
    return utc_iso_text(expr) if isinstance(expr.type, DateTime) else expr


def _csv_writer(out, spec):
    """Numbers, dates and None the csv module writes as they should be; timestamps
    come as text from the database; text cells are neutralised (in the worker, not
    in the database everyone shares); booleans, lists and objects are written as JSON writes them."""
    writer = csv.writer(out)
    writer.writerow(spec.headers)
    texts = [i for i, (_, expr) in enumerate(spec.columns) if isinstance(expr.type, String)]
    flags = [i for i, (_, expr) in enumerate(spec.columns) if isinstance(expr.type, Boolean)]
    structured = [i for i, (_, expr) in enumerate(spec.columns) if isinstance(expr.type, JSON)]

    def write(rows):
        cells = []
        for row in rows:
            row = list(row)
            for i in texts:  # inline: a function call per cell would double the cost of this loop
                text = row[i]
                if text and text[0] in FORMULA_START:
                    row[i] = "'" + text
            for i in flags:
                if row[i] is not None:
                    row[i] = "true" if row[i] else "false"
            for i in structured:
                if row[i] is not None:
                    row[i] = json.dumps(row[i], ensure_ascii=False)
            cells.append(row)
        writer.writerows(cells)

    return write


def _json_value(value):
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot export a {type(value).__name__}")


def _jsonl_writer(out, spec):
    encode = money.json_encoder(ensure_ascii=False, separators=(",", ":"), default=_json_value).encode
    headers = spec.headers

    def write(rows):
        out.write("".join([encode(dict(zip(headers, row))) + "\n" for row in rows]))

    return write


WRITERS = {"csv": (_csv_writer, "utf-8-sig"), "jsonl": (_jsonl_writer, "utf-8")}

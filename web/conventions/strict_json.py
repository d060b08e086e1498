"""JSON in and out. Request bodies are parsed strictly and shallowly: one parser for webargs
(every schema'd body) and for Flask's `request.get_json` (everything else). Schema'd bodies read
numbers with a fraction as Decimals, so money arrives exactly (docs/api.md#money); answers write
Decimals as JSON numbers (Flask's own provider writes them as strings).

Nesting deeper than MAX_DEPTH is refused as malformed (400), before recursive code
(schemas, the NUL-byte scan) could exhaust the stack; no body of ours nests past a few levels."""
import json
from decimal import Decimal

from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import CombinedMultiDict
from webargs.flaskparser import FlaskParser, is_json_request
from webargs import core

from models.core import money

MAX_DEPTH = 32


def _depth_exceeded(value) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > MAX_DEPTH:
                return True
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def loads(text, parse_float=float):
    """json.loads, or JSONDecodeError (a ValueError) for what it cannot or must not hold."""
    try:
        value = json.loads(text, parse_float=parse_float)
    except RecursionError:
        value = None
        too_deep = True
    else:
        too_deep = _depth_exceeded(value)
    if too_deep:
        # a non-empty doc: webargs reads an empty one as "no body"
        raise json.JSONDecodeError(f"nested deeper than {MAX_DEPTH} levels", "(too deep)", 0)
    return value


class JSONProvider(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        return loads(s)

    def dumps(self, obj, **kwargs):
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return money.json_dumps(obj, **kwargs)


class Parser(FlaskParser):
    """webargs' Flask parser reading bodies with `loads` (it would call json.loads itself), and
    an upload's files with its text fields, so that a field the schema does not name is an
    unknown field (422) rather than unseen; in a query string too."""

    # The schema's own `unknown` (RAISE) decides, as for JSON; webargs would EXCLUDE these, so a
    # misspelt query parameter (a filter) would be ignored and an unfiltered list answered.
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "files": None, "query": None}

    def load_files(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        data = req.get_data(cache=True)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise json.JSONDecodeError(f"Bytes decoding error : {exc.reason}", str(exc.object), exc.start) from exc
        return loads(text, parse_float=Decimal)

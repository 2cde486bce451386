"""JSON as the API reads it from requests.

Python's json module accepts what a hostile client can turn into a 500: integers of
more than 4,300 digits (Python refuses to convert them), nesting deep enough to exhaust
the stack, and `NaN`, `Infinity` or `1e999` (not JSON, and not a number any column
holds). `loads` refuses each of them as malformed JSON (a `ValueError`), so that the
parser answers 400 like for any other malformed body. Lone surrogates (`"\\ud800"`) are
valid JSON but no text: `crm.http.blueprint` refuses them with the field they are in.
"""

import json
import math
from typing import Any

from flask.json.provider import DefaultJSONProvider

# The deepest body the API takes is three levels (a meeting's attendance entries).
MAX_DEPTH = 32


class MalformedJson(ValueError):
    """JSON the API does not read."""


def loads(data: str | bytes) -> Any:
    try:
        value = json.loads(data, parse_float=_finite, parse_constant=_no_constant)
    except RecursionError:
        raise MalformedJson(f"Nested deeper than {MAX_DEPTH} levels.") from None
    except (json.JSONDecodeError, MalformedJson):
        raise
    except ValueError:
        # int() beyond sys.get_int_max_str_digits()
        raise MalformedJson("A number has more digits than a number can have.") from None
    _refuse_depth(value)
    return value


def _finite(literal: str) -> float:
    number = float(literal)
    if not math.isfinite(number):
        raise MalformedJson("A number is too large.")
    return number


def _no_constant(literal: str) -> float:
    raise MalformedJson(f"{literal} is not JSON.")


def _refuse_depth(value: Any) -> None:
    """Walked without recursion: whatever walks the value later may recurse."""
    pending = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if not isinstance(node, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise MalformedJson(f"Nested deeper than {MAX_DEPTH} levels.")
        children = node.values() if isinstance(node, dict) else node
        pending.extend((child, depth + 1) for child in children)


class JsonProvider(DefaultJSONProvider):
    """The app's JSON: keys in the order the schemas give them; requests read by `loads`."""

    sort_keys = False

    def loads(self, s: str | bytes, **_kwargs: Any) -> Any:
        return loads(s)

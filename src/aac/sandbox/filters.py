"""Search `filters` over a file's attributes: comparisons (`eq` ... `nin`) and `and`/`or` compounds.

A request's filter has passed schemas.FILTER already. A file without the key matches no
comparison, `ne` and `nin` included. Values of different types are never equal and never
ordered (a string is neither less nor more than a number); integers and decimals are both numbers.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def matches(flt: Mapping[str, Any] | None, attributes: Mapping[str, Any]) -> bool:
    """Whether a file with these attributes passes the filter (no filter: every file does)."""
    if flt is None:
        return True
    kind = flt["type"]
    if kind == "and":
        return all(matches(f, attributes) for f in flt["filters"])
    if kind == "or":
        return any(matches(f, attributes) for f in flt["filters"])
    if flt["key"] not in attributes:
        return False
    return _compare(kind, attributes[flt["key"]], flt["value"])


def _same_type(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    numbers = (int, float)
    return (isinstance(a, numbers) and isinstance(b, numbers)) or type(a) is type(b)


def _compare(kind: str, actual: Any, expected: Any) -> bool:
    if kind in ("in", "nin"):
        found = any(_same_type(actual, item) and actual == item for item in expected)
        return found if kind == "in" else not found
    same = _same_type(actual, expected)
    if kind == "eq":
        return same and bool(actual == expected)
    if kind == "ne":
        return not same or bool(actual != expected)
    return same and _ORDER[kind](actual, expected)

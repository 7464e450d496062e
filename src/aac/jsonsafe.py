"""JSON that can really be sent: no NaN or infinities, string keys only, valid Unicode, bounded depth.

Python's json module reads `NaN`, `Infinity`, 100,000 nested arrays (as a RecursionError) and lone
surrogates (`"\\ud800"`), and YAML gives integer, boolean or null keys; none of it survives the trip
to the API. Every JSON-bound input (manifests, `$ref` files, saved plans) is checked here, so each
is a located problem or one clear error, never an "unexpected" failure halfway through a command.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

MAX_DEPTH = 200  # deeper than any manifest, schema or plan aac writes; far below the recursion limit

Path = tuple[Any, ...]


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number; write a finite number")


def loads(text: str, unique_keys: bool = False) -> Any:
    """`json.loads`, refusing NaN and the infinities, too-deep nesting and lone surrogates (ValueError); and,
    with `unique_keys`, a key given twice in an object (for files people write, as YAML manifests refuse it)."""
    hook = _unique if unique_keys else None
    try:
        data = json.loads(text, parse_constant=_no_constant, object_pairs_hook=hook)
    except RecursionError:
        raise ValueError(f"the JSON nests deeper than Python can read (keep it under {MAX_DEPTH} levels)") from None
    except json.JSONDecodeError:
        raise  # it carries the line
    except ValueError as exc:
        raise ValueError(readable(exc)) from None
    for path, message in problems(data):
        raise ValueError(f"{message} at {render_path(path)}")
    return data


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"the key {json.dumps(key)} is given twice in one object")
        data[key] = value
    return data


def problems(data: Any, max_depth: int = MAX_DEPTH) -> Iterator[tuple[Path, str]]:
    """Each value in `data` that JSON cannot carry, with its path; depth-first, without recursion."""
    pending: list[tuple[Any, Path]] = [(data, ())]
    while pending:
        value, path = pending.pop()
        if len(path) > max_depth:
            yield path, f"nesting deeper than {max_depth} levels"
            continue
        if isinstance(value, float) and not math.isfinite(value):
            yield path, f"{value} is not a JSON number; write a finite number"
        elif isinstance(value, str) and not _valid(value):
            yield path, "a lone surrogate (invalid Unicode) in a string"
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                if not isinstance(key, str):
                    yield path, f"the key {json.dumps(key)} is not a string; quote it"
                elif not _valid(key):
                    yield path, "a lone surrogate (invalid Unicode) in a key"
                else:
                    pending.append((item, (*path, key)))
        elif isinstance(value, list):
            pending.extend((item, (*path, index)) for index, item in reversed(list(enumerate(value))))


def readable(exc: ValueError) -> str:
    """The message of a ValueError from reading a number or a document, without Python's own advice."""
    text = str(exc)
    if "integer string conversion" in text:  # Python's int-string limit
        return "a number has more than 4,300 digits"
    return text


def render_path(path: Path) -> str:
    shown = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path[:12]).lstrip(".")
    return (shown + ("..." if len(path) > 12 else "")) or "the top level"


def _valid(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

"""Text a reader can trust: control and bidirectional characters in names, instructions or any other
value are shown escaped (`\\u202e`), so a value cannot recolour the terminal, rewrite a line or reorder
what a reviewer reads in a plan or a drift report.

The text and markdown renderers take the plan or report through `escaped` first, in one place, and
build from safe strings; colour is added afterwards by `Output.style`.
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from enum import Enum
from functools import lru_cache
from typing import Any, TypeVar

T = TypeVar("T")

_KEEP = frozenset("\n\t")
# Controls (C0, DEL, C1), format characters (bidirectional overrides, isolates and marks, zero-width
# characters) and line/paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


@lru_cache(maxsize=4096)
def escape_text(text: str) -> str:
    """`text` with every unsafe character written as `\\uXXXX`; newlines, tabs and CRLF kept."""
    if text.isascii() and text.isprintable():
        return text
    # CRLF line endings stay, so a line diff still sees "line-ending changes only"; a lone CR is escaped.
    return "\r\n".join("".join(_escape_char(c) for c in part) for part in text.split("\r\n"))


def _escape_char(char: str) -> str:
    if char in _KEEP or unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def escaped(value: T) -> T:
    """`value` (a Plan, a DriftReport, any JSON-like data) with every string in it escaped."""
    return value if _clean(value) else _escape(value)


def _clean(value: Any) -> bool:
    """True when no string in `value` needs escaping: one pass of the C JSON encoder, not a Python walk.

    The encoder writes C0 controls as `\\u00XX` and, with ensure_ascii, everything past ASCII as `\\uXXXX`;
    plain printable ASCII (nearly every plan) then has neither."""
    try:
        text = json.dumps(value, default=_fields, ensure_ascii=True)
    except (TypeError, ValueError):  # keys JSON cannot have: take the slow walk
        return False
    return "\\u" not in text and text.isprintable()


def _fields(value: Any) -> Any:
    fields = getattr(value, "__dict__", None)  # a dataclass's fields, without dataclasses.fields' cost
    if isinstance(fields, dict):
        return fields
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # a slotted one
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return str(value)


def _escape(value: Any) -> Any:
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return escape_text(value)
    if isinstance(value, dict):
        return {_escape(k): _escape(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_escape(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _escape(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value

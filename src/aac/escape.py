"""Text a reader can trust: control, bidirectional and line-break characters in names, ids, messages or any
other value are shown escaped (`\\u202e`, `\\u000a`), so a value cannot recolour the terminal, rewrite a line,
reorder what a reviewer reads, or print a line of its own that looks like one of aac's (`No changes.`,
`error: ...`, a `## No drift` heading).

One value, one line: that is the default. The only values that keep their line breaks are the ones shown as
an indented block, each line behind a prefix aac adds (the heredoc diff of an instructions field): a dataclass
field that holds such values says so with `metadata=SHOWN_AS_BLOCK`, and everything a block renderer puts in
one line of it is a single line again (`escape_text` at its line formatter).

The text, markdown and JUnit renderers take the plan or report through `escaped` first, in one place, and
build from safe strings; colour is added afterwards by `Output.style`.
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections.abc import Mapping
from enum import Enum
from functools import lru_cache
from typing import Any, TypeVar

T = TypeVar("T")

# Dataclass field metadata: this field's strings may be shown as an indented block of lines (the renderer
# prefixes each line), so `escaped` keeps their `\n` and CRLF; every other break is still escaped.
SHOWN_AS_BLOCK: Mapping[str, bool] = {"aac.escape.lines": True}

# Controls (C0, DEL, C1: among them \n, \r, \v, \f, U+0085), format characters (bidirectional overrides,
# isolates and marks, zero-width characters) and the line and paragraph separators U+2028 and U+2029.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
# What the C JSON encoder writes for a string that needs escaping: \uXXXX, or the short forms of \b \f \n \r.
_JSON_ESCAPE = re.compile(r'(?<!\\)(?:\\\\)*\\[bfnru]')


@lru_cache(maxsize=4096)
def escape_text(text: str, *, lines: bool = False) -> str:
    """`text` on one line, with every unsafe character (line breaks included) written as `\\uXXXX`; tabs kept.

    `lines=True` is for a value shown as an indented block: its `\\n` and CRLF stay (so a line diff still sees
    "line-ending changes only"), every other break (a lone CR, VT, FF, U+0085, U+2028, U+2029) is escaped."""
    if text.isprintable():
        return text
    if not lines:
        return _one_line(text)
    return "\r\n".join("\n".join(_one_line(line) for line in part.split("\n")) for part in text.split("\r\n"))


def _one_line(text: str) -> str:
    if text.isprintable():  # in C: most lines of a multi-line value need nothing
        return text
    return "".join(_escape_char(c) for c in text)


def _escape_char(char: str) -> str:
    if char == "\t" or unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def json_document(value: Any) -> str:
    """`value` as an indented JSON document that reads as it is on a terminal or in a CI log: text past ASCII
    kept (an accented filename stays readable), but every character escape_text escapes written as a JSON
    escape (`\\u2028`, `\\u0085`, `\\u202e`, a surrogate pair for U+E0041): the same data, on its lines."""
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return _NOT_PLAIN.sub(_json_escape, text)


_NOT_PLAIN = re.compile(r"[^\x20-\x7e\n]")  # the encoder writes C0 controls escaped already; the rest is looked at


def _json_escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if unicodedata.category(char) not in _UNSAFE_CATEGORIES:
        return char
    return json.dumps(char)[1:-1]  # \uXXXX, or the surrogate pair of an astral character


def escaped(value: T) -> T:
    """`value` (a Plan, a DriftReport, any JSON-like data) with every string in it escaped: on one line,
    except in fields marked SHOWN_AS_BLOCK."""
    return value if _clean(value) else _escape(value, False)


def _clean(value: Any) -> bool:
    """True when no string in `value` needs escaping: one pass of the C JSON encoder, not a Python walk.

    The encoder writes C0 controls as `\\b`, `\\f`, `\\n`, `\\r`, `\\t` or `\\u00XX` and, with ensure_ascii,
    everything past ASCII as `\\uXXXX`; plain printable ASCII (nearly every plan) then has none but `\\t`."""
    try:
        text = json.dumps(value, default=_fields, ensure_ascii=True)
    except (TypeError, ValueError):  # keys JSON cannot have: take the slow walk
        return False
    return _JSON_ESCAPE.search(text) is None and text.isprintable()


def _fields(value: Any) -> Any:
    fields = getattr(value, "__dict__", None)  # a dataclass's fields, without dataclasses.fields' cost
    if isinstance(fields, dict):
        return fields
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # a slotted one
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return str(value)


def _escape(value: Any, lines: bool) -> Any:
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return escape_text(value, lines=lines)
    if isinstance(value, dict):
        return {_escape(k, False): _escape(v, lines) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_escape(v, lines) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _escape(getattr(value, f.name), lines or bool(f.metadata.get(_BLOCK_KEY)))
                   for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value


_BLOCK_KEY = next(iter(SHOWN_AS_BLOCK))

"""Every secret aac knows in a run, and the one function that keeps them out of what it prints or writes.

A server may echo the Authorization header in an error, or carry it in a listed object; the
key then reaches messages, reports, tracebacks and imported manifests as ordinary text. So
secrets are registered where aac learns them (the target's key when it connects; a vault's
credential secrets when they are read) and `Output` passes every line and every file it
writes through `redact`.
"""

from __future__ import annotations

import bisect
import math
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from aac.secret_forms import forms

REDACTED = "[REDACTED]"
MIN_LENGTH = 8  # shorter values are no real secret, and replacing them would garble ordinary words
# The write-only fields of a credential's `auth` (SDK credential_auth_create_param.py and its token endpoint
# auth): a manifest writes each `<field>_env: VARIABLE` (resources.SECRET_SUFFIX), never the value.
SECRET_FIELDS = ("token", "access_token", "refresh_token", "client_secret", "secret_value")
# Headers that carry a credential: the API keeps an mcp tool's `headers` as plain, readable configuration.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})
# A URL is plain configuration too (shown in every plan): neither `user:token@` nor a query parameter such as
# `access_token=` belongs in one. Parameter names compared in lowercase without '-' and '_'.
_SECRET_QUERY_ENDS = ("token", "secret", "password", "apikey")
_SECRET_QUERY_NAMES = frozenset({"key", "sig", "signature", "auth"})
# A prefix of a secret this long shows too much of it: at least 3/4 of it, and at least 12 characters.
PREFIX_SHARE, PREFIX_MIN = 0.75, 12
# A line break a wrapping server or renderer inserts (a JSON string's `\n` too), with the next line's indent.
_BREAK = re.compile(r"(?:(?:[\r\n]|\\[rn])[ \t]*)+")

__all__ = ["REDACTED", "Secrets", "forms", "secret_header", "url_holds_secret"]


class Secrets:
    """A set of secret strings; `redact` replaces each occurrence, in any of its forms, with [REDACTED]."""

    def __init__(self) -> None:
        # Every form, and each one's stem in the same order (looked for in every line printed), swapped as one.
        self._table: tuple[tuple[_Form, ...], tuple[str, ...]] = ((), ())
        self._lock = threading.Lock()

    def add(self, value: str) -> None:
        value = value.strip()
        if len(value) < MIN_LENGTH:
            return
        with self._lock:
            known = {form.full: form for form in self._table[0]}
            known.update((text, _Form.of(text)) for text in forms(value) if len(text) >= MIN_LENGTH)
            # Longest first, so a secret that contains another is replaced whole.
            ordered = tuple(sorted(known.values(), key=lambda f: (-len(f.full), f.full)))
            self._table = (ordered, tuple(form.stem for form in ordered))

    def __len__(self) -> int:
        return len(self._table[0])

    def redact(self, text: str) -> str:
        # One form at a time, longest first: a secret that contains another is replaced whole.
        known, stems = self._table
        for form in [form for form, stem in zip(known, stems, strict=True) if stem in text]:
            text = _replaced(text, _spans(text, [form]))
        if known and _has_break(text.rstrip("\r\n")):  # a break at the very end splits nothing
            text = _redact_split(text, known)
        return text


@dataclass(frozen=True)
class _Form:
    """One form of a secret (`full`), and the prefix of it that is enough to mask (`stem`): a server that
    truncates or masks a secret after most of it (`sk-proj-abc...xyz**`) still shows too much."""

    stem: str
    full: str

    @classmethod
    def of(cls, full: str) -> _Form:
        size = max(PREFIX_MIN, math.ceil(len(full) * PREFIX_SHARE))
        return cls(full[:size] if size < len(full) else full, full)


def _spans(text: str, found: Iterable[_Form]) -> list[tuple[int, int]]:
    """Where `text` holds a stem, each span stretched over as much of its form as follows it; sorted, merged."""
    spans = []
    for form in found:
        start = text.find(form.stem)
        while start >= 0:
            end, limit = start + len(form.stem), min(len(text), start + len(form.full))
            while end < limit and text[end] == form.full[end - start]:
                end += 1
            spans.append((start, end))
            start = text.find(form.stem, end)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _replaced(text: str, spans: list[tuple[int, int]]) -> str:
    pieces, last = [], 0
    for start, end in spans:
        pieces += [text[last:start], REDACTED]
        last = end
    return "".join(pieces) + text[last:]


def _has_break(text: str) -> bool:
    return "\n" in text or "\r" in text or "\\n" in text or "\\r" in text


def _redact_split(text: str, known: tuple[_Form, ...]) -> str:
    """A secret with line breaks inserted (wrapped base64, a folded header, `\\n` in a JSON string): found in
    the text with its breaks taken out, then replaced in the text as it is, breaks and all."""
    # Joined with str's own methods (the pattern takes ~40 ms a megabyte), exactly as _BREAK.sub("", text) would.
    lines = text.replace("\\r", "\n").replace("\\n", "\n").replace("\r", "\n").split("\n")
    joined = lines[0] + "".join(line.lstrip(" \t") for line in lines[1:])
    found = [form for form in known if form.stem in joined]
    if not found:  # the common case: every secret was whole, or absent
        return text
    breaks = _BREAK.finditer(text)
    at, removed, total = [], [], 0  # each break's position in `joined`, and the characters removed up to it
    for match in breaks:
        at.append(match.start() - total)
        total += match.end() - match.start()
        removed.append(total)

    def original(index: int, start: bool) -> int:
        count = bisect.bisect_right(at, index) if start else bisect.bisect_left(at, index)
        return index + (removed[count - 1] if count else 0)

    return _replaced(text, [(original(s, True), original(e, False)) for s, e in _spans(joined, found)])


def url_holds_secret(url: Any) -> bool:
    """Whether `url` carries a credential: user information (`user:token@`) or a query parameter named for one."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return "@" in parts.netloc or any(_secret_name(name) for name, _ in parse_qsl(parts.query, True))


def secret_header(name: Any) -> bool:
    """Whether a header named `name` carries a credential (`Authorization`, `X-Api-Key`, `Private-Token`, ...)."""
    return str(name).strip().lower() in SECRET_HEADERS or _secret_name(str(name))


def _secret_name(name: str) -> bool:
    normal = name.strip().lower().replace("-", "").replace("_", "")
    return normal.endswith(_SECRET_QUERY_ENDS) or normal in _SECRET_QUERY_NAMES

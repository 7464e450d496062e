"""Every secret aac knows in a run, and the one function that keeps them out of what it prints or writes.

A server may echo the Authorization header in an error, or carry it in a listed object; the
key then reaches messages, reports, tracebacks and imported manifests as ordinary text. So
secrets are registered where aac learns them (the target's key when it connects; a vault's
credential secrets when they are read) and `Output` passes every line and every file it
writes through `redact`.
"""

from __future__ import annotations

import json
import threading

REDACTED = "[REDACTED]"
MIN_LENGTH = 8  # shorter values are no real secret, and replacing them would garble ordinary words


class Secrets:
    """A set of secret strings; `redact` replaces each occurrence with [REDACTED]."""

    def __init__(self) -> None:
        self._values: tuple[str, ...] = ()
        self._lock = threading.Lock()

    def add(self, value: str) -> None:
        value = value.strip()
        if len(value) < MIN_LENGTH:
            return
        with self._lock:
            # Longest first, so a secret that contains another is replaced whole.
            self._values = tuple(sorted({*self._values, *forms(value)}, key=lambda v: (-len(v), v)))

    def __len__(self) -> int:
        return len(self._values)

    def redact(self, text: str) -> str:
        for value in self._values:
            if value in text:
                text = text.replace(value, REDACTED)
        return text


def forms(value: str) -> set[str]:
    """`value` as text, and as it stands inside a JSON string (`\\u00e9`, `\\"`, `\\\\`): a server that echoes
    a request body quotes the secret the way the body carried it."""
    return {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}

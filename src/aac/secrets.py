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
from typing import Any
from urllib.parse import parse_qsl, urlsplit

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

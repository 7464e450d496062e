"""Secrets in any manifest, refused where plain configuration holds them and kept out of every message.

A secret never sits in a manifest: each secret field is written `<field>_env: VARIABLE`, and the engine reads
the variable when it applies. Nothing here reads the environment, and no message quotes a value that may be a
secret (`redact` makes sure of it for every problem found).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from aac.errors import Problem
from aac.manifest.context import LoadContext
from aac.manifest.schema import dotted
from aac.manifest.yaml_load import Document
from aac.resources import SECRET_SUFFIX
from aac.secrets import (
    MIN_LENGTH,
    REDACTED,
    SECRET_FIELDS,
    holds_token,
    names_variable,
    secret_header,
    secret_name,
    token_in,
    token_kind,
    token_problem,
    url_holds_secret,
)

# the schema's env_name pattern: `$(?!\n)` ends it at the true end in Python, and in ECMA as `$` alone
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$(?!\n)")
# Where a token belongs instead: a vault credential's secret field, which names its variable.
_TOKEN_FIELD = f"token{SECRET_SUFFIX}: VARIABLE"
PLAIN_MAPPINGS = ("request_metadata", "metadata")
PLAIN_SECRET_HINT = (f"put the token in a vault credential (`kind: vault`, `{_TOKEN_FIELD}`) and name it on the "
                     "mcp tool with `credential: VAULT/CREDENTIAL`; anything else, rename the key")
URL_SECRET_HINT = (f"put the token in a vault credential (`kind: vault`, `{_TOKEN_FIELD}`): a URL is plain "
                   "configuration, kept in git and shown in every plan")


def check_plain_secrets(ctx: LoadContext, documents: Iterable[Document]) -> None:
    """Secrets where a manifest holds plain configuration, refused and never quoted: a credential pasted where the
    NAME of a variable goes (`<field>_env: ghp_...`), in any field that names one, known to the schema or not (the
    schema's message for a field it knows, when the value breaks its pattern, is this one, reported once); and
    a key named for a credential (`api_key`, `X-Functions-Key`) in an mcp tool's `request_metadata` or in
    `metadata`, which the API returns to anyone who reads the object."""
    for doc in documents:
        for path, value in _leaves(doc.data, ()):
            field = dotted(path)
            kind = token_kind(value) if names_variable(field) else None
            if kind:
                ctx.error(doc.path, doc.line_of(*path), *token_problem(field, kind))
            elif inside := token_in(value):  # a header's value, a metadata value, a URL's path: plain configuration
                ctx.error(doc.path, doc.line_of(*path), f"`{field}` holds what looks like {inside}; it is "
                          "plain configuration, returned to anyone who reads the object (and kept in git here)",
                          PLAIN_SECRET_HINT)
            if path and path[-1] in PLAIN_MAPPINGS and isinstance(value, dict):
                for key in (k for k in value if secret_name(k)):
                    ctx.error(doc.path, doc.line_of(*path, key),
                              f"`{field}` has a key {str(key)!r} named for a credential; {path[-1]} is plain "
                              "configuration, returned to anyone who reads the object (and kept in git here)",
                              PLAIN_SECRET_HINT)


def secret_values(documents: Iterable[Document]) -> set[str]:
    """Strings in the manifests that may be secrets: the value of a literal secret field (`token: ...`), of a
    credential-carrying header, and of a field naming a variable that holds no name (a secret pasted in its
    place). Every message is cleaned of them, and the run's `Secrets` learns them, so no command prints one."""
    found: set[str] = set()
    for doc in documents:
        for path, value in _leaves(doc.data, ()):
            key = str(path[-1]) if path else ""
            if not isinstance(value, str) or len(value.strip()) < MIN_LENGTH:  # shorter: no secret, and common words
                continue
            pasted = names_variable(key) and (not ENV_NAME.fullmatch(value) or token_kind(value))
            if key in SECRET_FIELDS or secret_header(key) or pasted or url_holds_secret(value) or holds_token(value):
                found.add(value.strip())
    return found


def _leaves(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every value under `node` with its path (keys and list indexes), mappings and lists included."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key), value
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield (*path, index), item
            yield from _leaves(item, (*path, index))


def redact(problems: list[Problem], secrets: set[str]) -> list[Problem]:
    """Every problem with each of `secrets` replaced by [REDACTED], whatever check wrote it."""
    ordered = sorted(secrets, key=len, reverse=True)

    def clean(text: str | None) -> str | None:
        for secret in ordered:
            text = text.replace(secret, REDACTED) if text else text
        return text

    return [Problem(p.path, p.line, clean(p.message) or "", clean(p.hint), p.severity) for p in problems]

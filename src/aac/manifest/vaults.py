"""`kind: vault` documents (already shape-checked) into a VaultSpec and its CredentialSpecs.

A credential's secrets never sit in a manifest: each secret field is written `<field>_env: VARIABLE`, and the
engine reads the variable when it applies. Nothing here reads the environment, and no message quotes a value
that may be a secret (`redact` makes sure of it for every problem found).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from aac import limits
from aac.errors import Problem
from aac.manifest.context import LoadContext
from aac.manifest.schema import dotted
from aac.manifest.yaml_load import Document
from aac.resources import JSON, SECRET_SUFFIX, CredentialSpec, Source, VaultSpec
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
# `secret_name` (SDK credential_auth_create_param.py): "Names starting with `CODEX_` and managed proxy or
# certificate variable names are reserved." The proxy and certificate variables the environment manages:
RESERVED_SECRET_NAMES = frozenset({
    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS",
})
PLAIN_MAPPINGS = ("request_metadata", "metadata")
PLAIN_SECRET_HINT = ("put the token in a vault credential (`kind: vault`, `token_env: VARIABLE`) and name it on the "
                     "mcp tool with `credential: VAULT/CREDENTIAL`; anything else, rename the key")
URL_SECRET_HINT = ("put the token in a vault credential (`kind: vault`, `token_env: VARIABLE`): a URL is plain "
                   "configuration, kept in git and shown in every plan")


def normalize_vault(ctx: LoadContext, doc: Document) -> tuple[VaultSpec, list[CredentialSpec]]:
    data = doc.data
    name = data["name"]
    credentials: list[CredentialSpec] = []
    first: dict[str, int] = {}
    for index, item in enumerate(data.get("credentials") or ()):
        line = doc.line_of("credentials", index, "name")
        if item["name"] in first:
            ctx.error(doc.path, line, f"vault {name!r} declares credential {item['name']!r} twice "
                      f"(first on line {first[item['name']]})", "give each credential of a vault its own name")
            continue
        first[item["name"]] = line
        credentials.append(_credential(ctx, doc, index, item))
    vault = VaultSpec(
        name=name,
        display_name=_api_name(ctx, doc, ("display_name",), data.get("display_name", name)),
        metadata=dict(data.get("metadata") or {}),
        protect=bool(data.get("protect", False)),
        source=Source(doc.path, doc.line),
        credentials=tuple(sorted(c.key for c in credentials)),
    )
    return vault, credentials


def _credential(ctx: LoadContext, doc: Document, index: int, item: JSON) -> CredentialSpec:
    auth = copy.deepcopy(item["auth"])
    display_name = str(item.get("display_name", item["name"]))
    _check_auth(ctx, doc, ("credentials", index, "auth"), auth)
    return CredentialSpec(
        vault=doc.data["name"],
        name=item["name"],
        display_name=_api_name(ctx, doc, ("credentials", index, "display_name"), display_name),
        auth=auth,
        version=int(item.get("version", 1)),
        metadata=dict(item.get("metadata") or {}),
        source=Source(doc.path, doc.line_of("credentials", index)),
        protect=bool(doc.data.get("protect", False)),  # a protected vault keeps its credentials
    )


def _api_name(ctx: LoadContext, doc: Document, path: tuple[Any, ...], value: str) -> str:
    """The API trims a vault's or credential's `name` and takes 1 to 256 UTF-8 bytes; the spec holds it trimmed,
    as the API stores it, so a stray space is no change on every plan."""
    trimmed = value.strip()
    size = len(trimmed.encode("utf-8"))
    if not 1 <= size <= limits.VAULT_NAME_BYTES_MAX:
        ctx.error(doc.path, doc.line_of(*path), f"`{dotted(path)}` is {size:,} UTF-8 bytes after "
                  f"trimming; the API takes 1 to {limits.VAULT_NAME_BYTES_MAX}", "shorten it, or give it a value")
    return trimmed


def _check_auth(ctx: LoadContext, doc: Document, path: tuple[Any, ...], auth: JSON) -> None:
    if auth["type"] == "environment_variable":
        name = auth["secret_name"]
        if name.upper().startswith("CODEX_") or name.upper() in RESERVED_SECRET_NAMES:
            ctx.error(doc.path, doc.line_of(*path, "secret_name"),
                      f"secret_name {name!r} is reserved by the hosted environment",
                      "choose another name: names starting with CODEX_ and the proxy and certificate variables "
                      f"({', '.join(sorted(RESERVED_SECRET_NAMES))}) are the environment's own")
        hosts = [str(h).lower() for h in (auth["networking"].get("allowed_hosts") or ())]
        if hosts:  # as the API stores them, so a capital letter is no change on every plan
            auth["networking"]["allowed_hosts"] = hosts
        if len(set(hosts)) != len(hosts):
            ctx.error(doc.path, doc.line_of(*path, "networking", "allowed_hosts"),
                      "allowed_hosts lists a host twice (the API compares them in lowercase)",
                      "list each host once")
    for url_path in (("mcp_server_url",), ("refresh", "token_endpoint")):
        parent = auth.get("refresh") if len(url_path) == 2 else auth
        if isinstance(parent, dict) and url_holds_secret(parent.get(url_path[-1])):
            ctx.error(doc.path, doc.line_of(*path, *url_path), f"`{dotted((*path, *url_path))}` holds a credential "
                      "(user information or a token parameter)", URL_SECRET_HINT)
    expires_at = auth.get("expires_at")
    if isinstance(expires_at, str) and not _is_timestamp(expires_at):
        ctx.error(doc.path, doc.line_of(*path, "expires_at"), f"expires_at {expires_at!r} is no real date and time",
                  "write an RFC 3339 timestamp, e.g. 2026-12-31T00:00:00Z")


def _is_timestamp(text: str) -> bool:
    try:
        datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def check_key_variables(ctx: LoadContext, credentials: Iterable[CredentialSpec], key_variables: set[str]) -> None:
    """Apply runs with the target's API key in its environment: a credential that read it (by mistake, or by a
    change a reviewer missed) would hand the key to an MCP server or an agent's environment."""
    for credential in credentials:
        for path, variable in _variables(credential.auth):
            if variable in key_variables and credential.source is not None:
                ctx.error(credential.source.path, credential.source.line,
                          f"credential {credential.key} reads {path} from ${variable}, which holds a target's API key",
                          "give it a secret of its own in another variable (for an OpenAI key, one scoped to what "
                          "the agent needs), never the key aac applies with")


def _variables(auth: JSON, prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in auth.items():
        if isinstance(value, dict):
            yield from _variables(value, f"{prefix}{key}.")
        elif key.endswith(SECRET_SUFFIX):
            yield prefix + key.removesuffix(SECRET_SUFFIX), str(value)


def check_plain_secrets(ctx: LoadContext, documents: Iterable[Document]) -> None:
    """Secrets where a manifest holds plain configuration, refused and never quoted: a credential pasted where the
    NAME of a variable goes (`token_env: ghp_...`), in any field that names one, known to the schema or not (the
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

"""A credential as its vault's manifest declares it (already shape-checked), and the checks on its secrets.

A credential's secrets never sit in a manifest: each secret field is written `<field>_env: VARIABLE`, and the
engine reads the variable when it applies. Nothing here reads the environment, and no message quotes a value
that may be a secret.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from aac import limits
from aac.kinds.credential.spec import CredentialSpec
from aac.manifest.context import LoadContext
from aac.manifest.schema import dotted
from aac.manifest.secrets import URL_SECRET_HINT
from aac.manifest.yaml_load import Document
from aac.resources import JSON, SECRET_SUFFIX, Source
from aac.secrets import url_holds_secret

# `secret_name` (SDK credential_auth_create_param.py): "Names starting with `CODEX_` and managed proxy or
# certificate variable names are reserved." The proxy and certificate variables the environment manages:
RESERVED_SECRET_NAMES = frozenset({
    "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS",
})


def load_credential(ctx: LoadContext, doc: Document, index: int, item: JSON) -> CredentialSpec:
    """The credential at `credentials[index]` of a vault manifest, checked."""
    auth = copy.deepcopy(item["auth"])
    display_name = str(item.get("display_name", item["name"]))
    _check_auth(ctx, doc, ("credentials", index, "auth"), auth)
    return CredentialSpec(
        vault=doc.data["name"],
        name=item["name"],
        display_name=api_name(ctx, doc, ("credentials", index, "display_name"), display_name),
        auth=auth,
        version=int(item.get("version", 1)),
        metadata=dict(item.get("metadata") or {}),
        source=Source(doc.path, doc.line_of("credentials", index)),
        protect=bool(doc.data.get("protect", False)),  # a protected vault keeps its credentials
    )


def api_name(ctx: LoadContext, doc: Document, path: tuple[Any, ...], value: str) -> str:
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


def check_key_variables(ctx: LoadContext, credentials: Iterable[CredentialSpec], key_variables: frozenset[str]) -> None:
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

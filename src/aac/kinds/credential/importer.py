"""A credential as an imported vault's manifest writes it.

A credential's secrets cannot be read, so each secret field names an environment variable instead
(`token_env: GITHUB_MCP_TOKEN` for vault `github`, credential `mcp`: VAULT_CREDENTIAL_FIELD), and the manifest
says which ones to export: aac sends a secret only when the credential is created again or rotated
(`version` bumped), never to adopt it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aac.errors import AacError
from aac.manifest.writing import Source, display_name, put_metadata
from aac.resources import SECRET_SUFFIX
from aac.secrets import SECRET_FIELDS, hide, url_holds_secret

JSON = dict[str, Any]
_NOT_ENV = re.compile(r"[^A-Z0-9_]+")


def render_credential(src: Source, raw: Mapping[str, Any], key: str,
                variables: set[str]) -> tuple[JSON, list[tuple[str, str]]]:
    name = key.split("/", 1)[1]
    item: JSON = {"name": name}
    display_name(item, raw, name)
    item["version"] = 1
    sources: list[tuple[str, str]] = []
    item["auth"] = _auth(raw.get("auth") or {}, key.replace("/", "_"), "", variables, sources)
    put_metadata(item, raw, src.reserved)
    return item, sources


def _auth(auth: Mapping[str, Any], stem: str, path: str, variables: set[str], sources: list[tuple[str, str]]) -> JSON:
    """The public auth (nulls left out) with a `<field>_env` variable for each secret the API keeps of it."""
    result: JSON = {}
    for name, value in auth.items():
        if value is None or name in SECRET_FIELDS:  # a server that echoes a secret: never into a manifest
            continue
        if name in ("mcp_server_url", "token_endpoint"):
            check_url(f"credential {stem} ({path}{name})", value)
        if not isinstance(value, Mapping) and hide(value, name) != value:
            raise AacError(f"credential {stem} holds a token in its auth field {path}{name}, which a manifest would "
                           "keep in git", "remove it from the credential on the target (a secret belongs in the "
                           "write-only fields), then import again; nothing was written")
        result[name] = _auth(value, stem, f"{path}{name}.", variables, sources) if isinstance(value, Mapping) \
            else value
    for secret in _secrets(auth, path):
        variable = env_variable(f"{stem}_{secret}", variables)
        result[secret + SECRET_SUFFIX] = variable
        sources.append((path + secret, variable))
    return result


def _secrets(auth: Mapping[str, Any], path: str) -> tuple[str, ...]:
    """The secret fields of this level of a credential's auth (SDK credential_auth_create_param.py)."""
    kind = auth.get("type")
    if path == "":
        return {"static_bearer": ("token",), "mcp_oauth": ("access_token",),
                "environment_variable": ("secret_value",)}.get(str(kind), ())
    if path == "refresh.":
        return ("refresh_token",)
    if path == "refresh.token_endpoint_auth." and kind in ("client_secret_basic", "client_secret_post"):
        return ("client_secret",)
    return ()


def env_variable(text: str, taken: set[str]) -> str:
    """`github/github-mcp` + `token` -> GITHUB_GITHUB_MCP_TOKEN: a valid variable name no other secret took."""
    base = _NOT_ENV.sub("_", text.upper()).strip("_") or "SECRET"
    base = f"_{base}" if base[0].isdigit() else base
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}_{number}"
    taken.add(name)
    return name


def check_url(owner: str, url: Any) -> None:
    """A token in a URL (`user:token@`, `?access_token=`) would land in git too: refused, never quoted."""
    if url_holds_secret(url):
        raise AacError(f"{owner} has a token in its URL, which a manifest would keep in git",
                       "move the token into a vault credential (a static_bearer token) and take it out of the URL on "
                       "the target, then import again; nothing was written")

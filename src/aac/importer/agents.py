"""Manifests for imported agents and vaults, written so the next plan compares them equal to what is live.

An agent's optional settings are written as the server resolved them (nulls left out), so the manifest
pins what the agent runs with today: those defaults have moved between releases, and a setting left
out is the server's to change. Its function schemas and a json_schema text format go to files under
`schemas/` by `$ref`; an MCP tool's credential is written by key (`credential: VAULT/CREDENTIAL`).

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
from aac.kinds.agent import SETTINGS
from aac.manifest.schema import drop_unknown
from aac.manifest.writing import (
    Source,
    Written,
    comment_text,
    display_name,
    drop_none,
    dump,
    function_name,
    header,
    instructions,
    put_metadata,
    schema_ref,
)
from aac.resources import SECRET_SUFFIX
from aac.secrets import SECRET_FIELDS, hide, url_holds_secret

JSON = dict[str, Any]
# A tool's keys in the order a person writes them; the rest follow as listed.
TOOL_ORDER = ("type", "name", "server_label", "description", "parameters", "transport", "credential")
EMPTY_AS_UNSET = ("headers", "request_metadata")
_NOT_ENV = re.compile(r"[^A-Z0-9_]+")


def render_agent(src: Source, raw: Mapping[str, Any], key: str, written: Written, schemas: dict[str, Any],
                 credential_keys: Mapping[str, str]) -> str:
    data: JSON = {"kind": "agent", "name": key}
    display_name(data, raw, key)
    data["model"] = raw.get("model")
    instructions(src, data, raw, key, written)
    for name in SETTINGS:
        value = drop_none(raw.get(name))
        if name == "text" and isinstance(value, dict) and isinstance(value.get("format"), Mapping):
            value["format"] = _text_format(src, value["format"], key, written, schemas)
        if value not in (None, {}):
            data[name] = value
    tools = [_tool(src, raw, tool, key, written, schemas, credential_keys) for tool in raw.get("tools") or ()]
    if tools:
        data["tools"] = tools
    put_metadata(data, raw, src.reserved)
    comments = [*header(src, "agent", key, raw),
                "# Settings as the server resolved them: delete one to leave it to the server's default."]
    if not raw.get("name"):
        comments.append("# The agent has no name on the API; aac names it after its key on the next apply.")
    return "\n".join(comments + _unknown(data)) + "\n" + dump(data)


def _unknown(data: JSON) -> list[str]:
    """A field the server returned that this aac does not know cannot be declared: left out, and said."""
    dropped = drop_unknown(data["kind"], data)
    if not dropped:
        return []
    named = comment_text(", ".join(dropped))  # the server's words
    return ["# Left out, unknown to this version of aac (the server's to keep; an update of a setting or tool "
            "that holds one", f"# resets it to the server's default): {named}"]


def _text_format(src: Source, value: Mapping[str, Any], key: str, written: Written, schemas: dict[str, Any]) -> JSON:
    result = drop_none(value)
    if result.get("type") == "json_schema" and isinstance(result.get("schema"), Mapping):
        ref = schema_ref(src, src.root / "schemas", f"{key}.text-format", result["schema"], key, written, schemas,
                         f"the text format of agent {key}")
        result["schema"] = {"$ref": ref}
    return result


def _tool(src: Source, agent: Mapping[str, Any], tool: Mapping[str, Any], key: str, written: Written,
          schemas: dict[str, Any], credential_keys: Mapping[str, str]) -> JSON:
    result = _written(tool)
    for nested in ("transport", "location"):
        if isinstance(result.get(nested), Mapping):
            result[nested] = _written(result[nested])
    _check_headers(agent, result)
    if result.get("type") == "function":
        result["name"] = function_name(f"agent {agent['id']}", result.get("name"))
    if result.get("type") == "function" and isinstance(result.get("parameters"), Mapping) and result["parameters"]:
        result["parameters"] = {"$ref": schema_ref(src, src.root / "schemas" / "functions", result["name"],
                                                   result["parameters"], key, written, schemas,
                                                   f"function {result['name']!r} of {key}")}
    credential_id = result.pop("credential_id", None)
    if credential_id:
        result["credential"] = credential_keys[str(credential_id)]
    return result


def _written(value: Mapping[str, Any]) -> JSON:
    """A tool (or its transport) as a manifest writes it: in a person's order, without nulls, and without
    empty headers or request metadata, which say what leaving the key out says."""
    kept = {k: v for k, v in value.items() if v is not None and not (k in EMPTY_AS_UNSET and v == {})}
    ordered = {k: kept[k] for k in TOOL_ORDER if k in kept}
    return {**ordered, **{k: v for k, v in kept.items() if k not in ordered}}


def _check_headers(agent: Mapping[str, Any], tool: Mapping[str, Any]) -> None:
    """A token sent as a plain header, or as a key of `request_metadata`, would land in git: refused before
    anything is written."""
    headers = (tool.get("transport") or {}).get("headers") or {}
    # What a plan hides (aac.secrets.hide): a header or key named for a credential, or a token-shaped value.
    found = [f"{h} header" for h, value in sorted(headers.items()) if hide(value, h) != value]
    found += [f"request_metadata key {k!r}" for k, value in sorted((tool.get("request_metadata") or {}).items())
              if hide(value, k) != value]
    if found:
        raise AacError(f"agent {agent['id']}'s mcp tool {tool.get('server_label')!r} sends a token in its "
                       f"{found[0]}, which a manifest would keep in git",
                       "move the token into a vault credential and point the tool at it by credential_id on the "
                       "target, then import again; nothing was written")
    _check_url(f"agent {agent['id']}'s mcp tool {tool.get('server_label')!r}",
               (tool.get("transport") or {}).get("server_url"))


def _check_url(owner: str, url: Any) -> None:
    """A token in a URL (`user:token@`, `?access_token=`) would land in git too: refused, never quoted."""
    if url_holds_secret(url):
        raise AacError(f"{owner} has a token in its URL, which a manifest would keep in git",
                       "move the token into a vault credential (a static_bearer token) and take it out of the URL on "
                       "the target, then import again; nothing was written")


def render_vault(src: Source, raw: Mapping[str, Any], key: str, credentials: list[tuple[JSON, str]],
                 variables: set[str]) -> str:
    """The vault and its credentials (`credentials`: each live credential with its key VAULT/CREDENTIAL);
    `variables` holds the environment variable names taken so far, and gains this vault's."""
    data: JSON = {"kind": "vault", "name": key}
    display_name(data, raw, key)
    put_metadata(data, raw, src.reserved)
    comments = header(src, "vault", key, raw)
    exports: list[str] = []
    items = []
    for credential, credential_key in credentials:
        comments.append(header(src, "credential", credential_key, credential)[-1])
        item, sources = _credential(src, credential, credential_key, variables)
        items.append(item)
        exports += [f"#   {variable}  ({path} of credential {item['name']})" for path, variable in sources]
    if items:
        data["credentials"] = items
    if exports:
        comments += ["# Secrets are write-only: the API never returns them, so none was imported. Each `*_env` field",
                     "# names the environment variable aac reads the secret from. Nothing needs it to adopt the vault,",
                     "# but export each one before the next rotation (a `version` bump) or re-creation:", *exports]
    return "\n".join(comments + _unknown(data)) + "\n" + dump(data)


def _credential(src: Source, raw: Mapping[str, Any], key: str,
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
            _check_url(f"credential {stem} ({path}{name})", value)
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

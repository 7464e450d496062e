"""Manifests for imported agents, written so the next plan compares them equal to what is live.

An agent's optional settings are written as the server resolved them (nulls left out), so the manifest
pins what the agent runs with today: those defaults have moved between releases, and a setting left
out is the server's to change. Its function schemas and a json_schema text format go to files under
`schemas/` by `$ref`; an MCP tool's credential is written by key (`credential: VAULT/CREDENTIAL`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from aac.errors import AacError
from aac.identity import owner_of
from aac.kinds.agent.manifest import SETTINGS
from aac.kinds.agent.wire import credential_ids
from aac.kinds.credential.importer import check_url
from aac.manifest.writing import (
    Source,
    Written,
    display_name,
    drop_none,
    dump,
    function_name,
    header,
    instructions,
    put_metadata,
    schema_ref,
    unknown_comment,
)
from aac.resources import CREDENTIAL, VAULT
from aac.secrets import hide

JSON = dict[str, Any]
# A tool's keys in the order a person writes them; the rest follow as listed.
TOOL_ORDER = ("type", "name", "server_label", "description", "parameters", "transport", "credential")
EMPTY_AS_UNSET = ("headers", "request_metadata")


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
    return "\n".join(comments + unknown_comment(data)) + "\n" + dump(data)


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
    check_url(f"agent {agent['id']}'s mcp tool {tool.get('server_label')!r}",
               (tool.get("transport") or {}).get("server_url"))


def brought_along(agents: Sequence[JSON], vaults: Sequence[JSON], credentials: Mapping[str, list[JSON]], stack: str,
                  resumed: Collection[str] = ()) -> list[tuple[str, JSON]]:
    """(kind, raw) of what importing `agents` brings along: the untagged vault holding each credential one names
    (`credentials`: vault id -> its credentials, for every vault that may hold one), and the credentials an
    earlier import wrote (`resumed`, by id) whose vault it adopted but not them. A credential of another stack,
    half-managed or found nowhere is an error: import writes nothing then."""
    found_now: list[tuple[str, JSON]] = []
    owned = {v["id"] for v in vaults if (owner_of(v.get("metadata")) or ("",))[0] == stack}
    for vault_id in owned & set(credentials):
        for credential in credentials[vault_id]:
            if credential["id"] in resumed and owner_of(credential.get("metadata")) is None:
                found_now.append((CREDENTIAL, credential))
    vault_of = {v["id"]: v for v in vaults}
    holder = {str(c["id"]): (c, vault_of.get(vault_id, {"id": vault_id}))
              for vault_id, listed in credentials.items() for c in listed}
    for agent in agents:
        for credential_id in credential_ids(agent):
            found = holder.get(credential_id)
            if found is None:
                raise AacError(f"agent {_named(agent)} names credential {credential_id}, which no vault on the "
                               "target holds", "point the agent's MCP tool at an existing credential (or remove "
                               "its credential_id) on the target, then import again; nothing was written")
            _check_holder(agent, credential_id, *found, stack, credential_id in resumed)
            if owner_of(found[1].get("metadata")) is None:
                found_now.append((VAULT, found[1]))
    return found_now


def _check_holder(agent: JSON, credential_id: str, credential: JSON, vault: JSON, stack: str, resumed: bool) -> None:
    owners = {owner_of(credential.get("metadata")), owner_of(vault.get("metadata"))}
    stacks = {owner[0] for owner in owners if owner is not None}
    if owners == {None} or (stacks == {stack} and (resumed or None not in owners)):
        return  # untagged: imported with the agent; declared in this stack's manifests; or its adoption resumes
    where = f"credential {credential_id} in vault {_named(vault)}"
    other = sorted(stacks - {stack})
    if other:
        raise AacError(f"agent {_named(agent)} uses {where}, which belongs to stack {other[0]!r}",
                       "an agent can only name credentials of its own stack: import the agent from that stack's "
                       "repository, or point it at a credential of this stack; nothing was written")
    raise AacError(f"agent {_named(agent)} uses {where}, which is only partly managed by this stack "
                   "(the vault or the credential lacks its tags)",
                   "declare the credential in its vault's manifest and run `aac apply`, then import the agent; "
                   "nothing was written")


def _named(raw: Mapping[str, Any]) -> str:
    name = raw.get("name")
    return f"{name!r} ({raw['id']})" if name else str(raw["id"])

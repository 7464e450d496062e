"""An agent's checks across every manifest document, from their kind and name alone, before any is loaded."""

from __future__ import annotations

from collections.abc import Sequence

from aac.errors import did_you_mean
from aac.manifest.context import LoadContext
from aac.manifest.yaml_load import Document


def check_credential_references(ctx: LoadContext, docs: Sequence[Document]) -> None:
    """Every mcp tool's `credential: VAULT/CREDENTIAL` names a credential some vault manifest declares, one that
    authorises the server the tool connects to."""
    declared = {f"{doc.data['name']}/{item['name']}": _items([item.get("auth")])
                for doc in docs if doc.data["kind"] == "vault"
                for item in _items(doc.data.get("credentials")) if isinstance(item.get("name"), str)}
    for doc in docs:
        tools = _items(doc.data.get("tools")) if doc.data["kind"] == "agent" else []
        for index, tool in enumerate(tools):
            wanted = tool.get("credential")
            if tool.get("type") != "mcp" or not isinstance(wanted, str):
                continue
            line = doc.line_of("tools", index, "credential")
            if wanted not in declared:
                ctx.error(doc.path, line, f"{doc.data['name']} names credential {wanted!r}, and no vault manifest "
                          "declares it", did_you_mean(wanted, sorted(declared)) or
                          "add it to a `kind: vault` manifest's `credentials` (VAULT/CREDENTIAL), or fix the name")
            for auth in declared.get(wanted, []):
                _check_credential_fits(ctx, (doc.path, line), tool, wanted, auth)


def _check_credential_fits(ctx: LoadContext, where: tuple[str, int], tool: dict[str, object], key: str,
                           auth: dict[str, object]) -> None:
    url, transport = auth.get("mcp_server_url"), _items([tool.get("transport")])
    server_url = transport[0].get("server_url") if transport else None
    label = tool.get("server_label")
    if auth.get("type") == "environment_variable":
        ctx.error(*where, f"mcp tool {label!r} names {key}, an environment_variable credential, which authorises "
                  "no MCP server", "name a static_bearer or mcp_oauth credential")
    elif isinstance(url, str) and isinstance(server_url, str) and url.rstrip("/") != server_url.rstrip("/"):
        ctx.warn(*where, f"mcp tool {label!r} connects to {server_url}, but credential {key} is for {url}",
                 "the API uses a credential for its own mcp_server_url: make the two URLs the same")


def _items(value: object) -> list[dict[str, object]]:
    """The mappings in a list (a manifest's shape may be wrong here: the schema reports that)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []

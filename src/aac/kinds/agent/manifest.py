"""`kind: agent` documents (already shape-checked) into AgentSpec: tools in the API's persisted shape,
schemas resolved and checked, and only the optional settings the manifest sets."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from aac import limits
from aac.kinds.agent.spec import AgentSpec
from aac.manifest.context import LoadContext
from aac.manifest.json_schemas import checked_schema
from aac.manifest.normalize import folder_of, read_instructions
from aac.manifest.secrets import URL_SECRET_HINT
from aac.manifest.yaml_load import Document
from aac.resources import JSON, Source
from aac.secrets import secret_header, url_holds_secret

# Optional settings: what the manifest leaves out is the server's to resolve, and never compared.
SETTINGS = ("reasoning", "service_tier", "text", "multi_agent", "compaction", "experimental")


def normalize_agent(ctx: LoadContext, doc: Document) -> AgentSpec:
    data = doc.data
    name, folder = data["name"], folder_of(ctx, doc)
    return AgentSpec(
        name=name,
        display_name=data.get("display_name", name),
        model=data["model"],
        instructions=read_instructions(ctx, doc, folder, limits.AGENT_INSTRUCTIONS_MAX),
        tools=_tools(ctx, doc, folder),
        settings=_settings(ctx, doc, folder),
        metadata=dict(data.get("metadata") or {}),
        protect=bool(data.get("protect", False)),
        source=Source(doc.path, doc.line),
    )


def _settings(ctx: LoadContext, doc: Document, folder: Path) -> dict[str, Any]:
    settings = {key: copy.deepcopy(doc.data[key]) for key in SETTINGS if key in doc.data}
    text_format = (settings.get("text") or {}).get("format")
    if isinstance(text_format, dict) and text_format.get("type") == "json_schema":
        strict = bool(text_format.pop("strict", False))  # aac's own switch: the API's format has no `strict`
        line = doc.line_of("text", "format", "schema")
        text_format["schema"] = checked_schema(ctx, doc, folder, text_format["schema"], line, "text.format: ",
                                               root="schema", strict=strict)
    return settings


def _tools(ctx: LoadContext, doc: Document, folder: Path) -> tuple[JSON, ...]:
    tools: list[JSON] = []
    for index, raw in enumerate(doc.data.get("tools") or ()):
        tool = copy.deepcopy(raw)
        if tool["type"] == "function":
            line = doc.line_of("tools", index, "parameters")
            tool["parameters"] = checked_schema(ctx, doc, folder, tool["parameters"], line,
                                                f"function {tool['name']!r}: ")
        elif tool["type"] == "mcp":
            _check_mcp(ctx, doc, index, tool)
        tools.append(tool)
    _check_unique(ctx, doc, tools)
    _check_budget(ctx, doc, tools)
    return tuple(tools)


def _check_mcp(ctx: LoadContext, doc: Document, index: int, tool: JSON) -> None:
    transport = tool["transport"]
    label = tool["server_label"]
    if "credential" in tool and transport["type"] != "http":
        ctx.error(doc.path, doc.line_of("tools", index, "credential"),
                  f"mcp tool {label!r} names a credential, but its transport is {transport['type']}",
                  "a vault credential authorises an MCP server over http: use `transport: {type: http, "
                  "server_url: ...}`, or remove `credential`")
    if url_holds_secret(transport.get("server_url")):
        ctx.error(doc.path, doc.line_of("tools", index, "transport", "server_url"), f"mcp tool {label!r}: "
                  "`server_url` holds a credential (user information or a token parameter)", URL_SECRET_HINT)
    for header in transport.get("headers") or {}:
        if secret_header(header):
            ctx.error(doc.path, doc.line_of("tools", index, "transport", "headers", header),
                      f"mcp tool {label!r} sends a {header} header, which the agent keeps as plain configuration "
                      "(and git keeps in the manifest)",
                      "put the token in a vault credential (`kind: vault`) and name it here with "
                      "`credential: VAULT/CREDENTIAL`")


def _check_unique(ctx: LoadContext, doc: Document, tools: list[JSON]) -> None:
    """A tool is known by its type and its function name or server label: one of each. An mcp server's label names
    it in tool calls, and a tool of the other types is a switch the agent has once."""
    first: dict[tuple[str, str], int] = {}
    for index, tool in enumerate(tools):
        kind, name = tool["type"], str(tool.get("name") or tool.get("server_label") or "")
        line = doc.line_of("tools", index)
        if (kind, name) not in first:
            first[(kind, name)] = line
        elif kind == "function":
            ctx.error(doc.path, line, f"two functions are named {name!r}", "give each function its own name")
        elif kind == "mcp":
            ctx.error(doc.path, line, f"two mcp tools have server_label {name!r} (first on line {first[(kind, name)]})",
                      "give each MCP server its own label: tool calls name the server by it")
        else:
            ctx.error(doc.path, line, f"a second {kind} tool (first on line {first[(kind, name)]})",
                      f"an agent has one {kind} tool: merge their settings into one")


def _check_budget(ctx: LoadContext, doc: Document, tools: list[JSON]) -> None:
    """The API takes at most 3 MiB of tools as compact UTF-8 JSON. Measured as loaded: `credential` stands where
    the request will carry `credential_id`, a difference of a few bytes per tool."""
    size = len(json.dumps(tools, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8"))
    if size > limits.AGENT_TOOLS_BYTES_MAX:
        ctx.error(doc.path, doc.line_of("tools"),
                  f"{doc.data['name']}'s tools are {size:,} bytes as compact JSON ($ref schemas included); the API "
                  f"allows at most {limits.AGENT_TOOLS_BYTES_MAX:,} (3 MiB)",
                  "shorten descriptions and parameter schemas, or split the functions across agents")

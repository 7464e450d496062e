"""`/v1/agents` (Agents API beta): create, list, retrieve, update (POST), delete.

An agent is stored as it was asked for, with nulls meaning "the default"; every read
resolves the defaults (SDK 3.57 `types/beta/agent.py`: "the resolved configuration"), so an
update that sends null resets a field, and one that omits it leaves it as it is.
"""

from __future__ import annotations

import copy
import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from aac import limits
from aac.sandbox import agent_schemas
from aac.sandbox.apierror import invalid, no_agent
from aac.sandbox.common import delete_route, envelope, list_params, ok, page_of, read_body, store_of, touched
from aac.sandbox.store import JSON, Store, new_id
from aac.sandbox.vaults import CREDENTIAL

AGENT = "agent"
# The model's default reasoning effort, reported when the agent leaves `reasoning.effort` unset.
DEFAULT_EFFORT = "medium"
_TOOL_DEFAULTS: dict[str, JSON] = {
    "function": {"defer_loading": False},
    "programmatic_tool_calling": {"enabled": True},
    "mcp": {
        "allowed_tools": None,
        "connection_origin": "service",
        "credential_id": None,
        "request_metadata": {},
        "required": False,
    },
    "web_search": {"allowed_domains": None, "context_size": "medium", "location": None, "mode": "live"},
    "computer_use": {"include_screenshots": False},
}
_TRANSPORT_DEFAULTS: dict[str, JSON] = {"http": {"headers": {}}, "stdio": {"args": [], "env_vars": []}}
_LOCATION_KEYS = ("city", "country", "region", "timezone")
# Fields an update replaces whole; null (or absent on create) means the default.
_REPLACED = ("name", "instructions", "reasoning", "service_tier", "text", "multi_agent", "compaction")


def _given(value: Any) -> Any:
    """A settings object as given, its null members dropped (null means the default).

    Only the top level: JSON the user owns (function `parameters`, a format's `schema`,
    `request_metadata`) keeps its nulls.
    """
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if v is not None}
    return value


def _given_tool(tool: JSON) -> JSON:
    given = _given(tool)
    if "transport" in given:
        given["transport"] = _given(given["transport"])
    return given


def _resolve_tool(tool: JSON) -> JSON:
    resolved = {**copy.deepcopy(_TOOL_DEFAULTS.get(tool["type"], {})), **copy.deepcopy(tool)}
    transport = resolved.get("transport")
    if transport is not None:
        resolved["transport"] = {**copy.deepcopy(_TRANSPORT_DEFAULTS[transport["type"]]), **transport}
    if resolved.get("location") is not None:
        resolved["location"] = {key: resolved["location"].get(key) for key in _LOCATION_KEYS}
    return resolved


def resolve(agent: JSON) -> JSON:
    """The agent as every read returns it: each default filled in."""
    reasoning = agent.get("reasoning") or {}
    text = agent.get("text") or {}
    multi = agent.get("multi_agent") or {}
    enabled = bool(multi.get("enabled", False))
    return {
        "id": agent["id"],
        "object": "agent",
        "created_at": agent["created_at"],
        "updated_at": agent["updated_at"],
        "name": agent.get("name"),
        "model": agent["model"],
        "instructions": agent.get("instructions"),
        "metadata": agent.get("metadata") or {},
        "reasoning": {"effort": reasoning.get("effort", DEFAULT_EFFORT), "summary": reasoning.get("summary")},
        "service_tier": agent.get("service_tier") or "auto",
        "text": {"format": text.get("format") or {"type": "text"}, "verbosity": text.get("verbosity", "medium")},
        "multi_agent": {
            "enabled": enabled,
            "max_concurrent_subagents": multi.get("max_concurrent_subagents", 6) if enabled else None,
        },
        "compaction": {"async": bool((agent.get("compaction") or {}).get("async", False))},
        "experimental": {"time_awareness": bool((agent.get("experimental") or {}).get("time_awareness", False))},
        "tools": [_resolve_tool(tool) for tool in agent.get("tools") or []],
    }


def _check_tools(store: Store, tools: list[JSON] | None) -> list[JSON]:
    """The tool list as stored: within the byte budget, every credential it names existing."""
    tools = tools or []
    size = len(json.dumps(tools, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    if size > limits.AGENT_TOOLS_BYTES_MAX:
        raise invalid(
            "tools",
            f"Invalid 'tools': the tool list is {size} bytes of compact JSON, more than the maximum of "
            f"{limits.AGENT_TOOLS_BYTES_MAX} bytes.",
        )
    for index, tool in enumerate(tools):
        credential_id = tool.get("credential_id")
        if credential_id is not None and not store.all(CREDENTIAL, where={"id": credential_id}):
            where = f"tools[{index}].credential_id"
            raise invalid(where, f"Invalid '{where}': no vault credential found with id '{credential_id}'.")
    return [_given_tool(tool) for tool in tools]


def _apply(agent: JSON, body: JSON, store: Store) -> None:
    """Write `body` onto the stored agent: what it omits stays, what it sets to null resets."""
    if "model" in body:
        agent["model"] = body["model"]
    for key in _REPLACED:
        if key in body:
            agent[key] = _given(body[key])
    if "metadata" in body:
        agent["metadata"] = body["metadata"] or {}
    if "tools" in body:
        agent["tools"] = _check_tools(store, body["tools"])
    if "experimental" in body:  # "Experimental settings to merge by key" (SDK agent_update_params.py)
        agent["experimental"] = {**(agent.get("experimental") or {}), **body["experimental"]}


def _get(store: Store, agent_id: str) -> JSON:
    agent = store.get(AGENT, agent_id)
    if agent is None:
        raise no_agent(agent_id)
    return agent


async def create(request: Request) -> JSONResponse:
    store = store_of(request)
    body = await read_body(request, agent_schemas.AGENT_CREATE)
    now = int(time.time())
    agent: JSON = {"id": new_id("agent_"), "created_at": now, "updated_at": now}
    _apply(agent, body, store)
    store.insert(AGENT, agent)
    return ok(resolve(agent))


async def retrieve(request: Request) -> JSONResponse:
    return ok(resolve(_get(store_of(request), request.path_params["agent_id"])))


async def update(request: Request) -> JSONResponse:
    store = store_of(request)
    agent = _get(store, request.path_params["agent_id"])
    body = await read_body(request, agent_schemas.AGENT_UPDATE)
    _apply(agent, body, store)
    agent["updated_at"] = touched(agent["updated_at"])
    store.put(AGENT, agent)
    return ok(resolve(agent))


async def list_agents(request: Request) -> JSONResponse:
    page = page_of(request, AGENT, list_params(request, before=False))
    return JSONResponse(envelope([resolve(agent) for agent in page.items], page.has_more))


delete = delete_route(AGENT, no_agent)


routes = [
    Route("/v1/agents", create, methods=["POST"]),
    Route("/v1/agents", list_agents, methods=["GET"]),
    Route("/v1/agents/{agent_id}", retrieve, methods=["GET"]),
    Route("/v1/agents/{agent_id}", update, methods=["POST"]),
    Route("/v1/agents/{agent_id}", delete, methods=["DELETE"]),
]

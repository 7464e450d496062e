"""`/v1/agents` as the SDK's Agents API beta types describe it, through the real SDK."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
import pytest
from tests.sandbox.conftest import Raw, Recorded

from aac import limits
from aac.sandbox.server import serve_in_background

AUTH = {"Authorization": "Bearer sk-test"}
AGENTS_BETA = {**AUTH, "OpenAI-Beta": "agents=v1"}
WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string", "default": None}}},
}
EVERY_TOOL: list[dict[str, Any]] = [
    WEATHER,
    {"type": "tool_search"},
    {"type": "programmatic_tool_calling"},
    {"type": "mcp", "server_label": "docs", "transport": {"type": "http", "server_url": "https://mcp.example/"}},
    {"type": "mcp", "server_label": "local", "transport": {"type": "stdio", "command": "npx", "cwd": "/srv"}},
    {"type": "web_search", "location": {"city": "Lyon"}},
    {"type": "computer_use"},
    {"type": "automations"},
]
RESOLVED_TOOLS = [
    {**WEATHER, "defer_loading": False},
    {"type": "tool_search"},
    {"type": "programmatic_tool_calling", "enabled": True},
    {
        "type": "mcp", "server_label": "docs", "allowed_tools": None, "connection_origin": "service",
        "credential_id": None, "request_metadata": {}, "required": False,
        "transport": {"type": "http", "server_url": "https://mcp.example/", "headers": {}},
    },
    {
        "type": "mcp", "server_label": "local", "allowed_tools": None, "connection_origin": "service",
        "credential_id": None, "request_metadata": {}, "required": False,
        "transport": {"type": "stdio", "command": "npx", "cwd": "/srv", "args": [], "env_vars": []},
    },
    {
        "type": "web_search", "allowed_domains": None, "context_size": "medium", "mode": "live",
        "location": {"city": "Lyon", "country": None, "region": None, "timezone": None},
    },
    {"type": "computer_use", "include_screenshots": False},
    {"type": "automations"},
]
DEFAULTS = {
    "object": "agent",
    "name": None,
    "instructions": None,
    "metadata": {},
    "reasoning": {"effort": "medium", "summary": None},
    "service_tier": "auto",
    "text": {"format": {"type": "text"}, "verbosity": "medium"},
    "multi_agent": {"enabled": False, "max_concurrent_subagents": None},
    "compaction": {"async": False},
    "experimental": {"time_awareness": False},
    "tools": [],
}


def _configuration(body: bytes) -> dict[str, Any]:
    """A raw agent response without its id and timestamps."""
    agent = json.loads(body)
    return {k: v for k, v in agent.items() if k not in ("id", "created_at", "updated_at")}


def test_every_route_answers_what_the_strict_sdk_accepts(strict: Recorded) -> None:
    agents = strict.client.beta.agents
    created = agents.create(model="gpt-5", name="helper", tools=EVERY_TOOL, metadata={"team": "support"})
    assert created.id.startswith("agent_") and created.object == "agent"
    assert agents.retrieve(created.id) == created
    updated = agents.update(created.id, instructions="Be brief.")
    assert updated.instructions == "Be brief." and updated.updated_at > created.updated_at
    assert [a.id for a in agents.list()] == [created.id]
    gone = agents.delete(created.id)
    assert (gone.id, gone.object, gone.deleted) == (created.id, "agent.deleted", True)
    with pytest.raises(openai.NotFoundError):
        agents.retrieve(created.id)
    assert len(strict.bodies) == 6


def test_a_read_returns_the_resolved_configuration(strict: Recorded) -> None:
    agents = strict.client.beta.agents
    bare = agents.create(model="gpt-5")
    assert _configuration(strict.bodies[-1]) == {**DEFAULTS, "model": "gpt-5"}
    agents.retrieve(bare.id)
    assert _configuration(strict.bodies[-1]) == {**DEFAULTS, "model": "gpt-5"}
    agents.create(model="gpt-5", tools=EVERY_TOOL)  # type: ignore[arg-type]
    assert json.loads(strict.bodies[-1])["tools"] == RESOLVED_TOOLS


def test_subagents_default_to_six_once_enabled(client: openai.OpenAI) -> None:
    agent = client.beta.agents.create(model="gpt-5", multi_agent={"enabled": True})
    assert (agent.multi_agent.enabled, agent.multi_agent.max_concurrent_subagents) == (True, 6)
    agent = client.beta.agents.update(agent.id, multi_agent={"enabled": True, "max_concurrent_subagents": 2})
    assert agent.multi_agent.max_concurrent_subagents == 2


def test_update_keeps_what_it_omits_replaces_lists_and_maps_and_null_resets(client: openai.OpenAI) -> None:
    agents = client.beta.agents
    agent = agents.create(
        model="gpt-5", name="a", instructions="Be kind.", metadata={"a": "1", "b": "2"}, tools=[WEATHER],  # type: ignore[list-item]
        reasoning={"effort": "high", "summary": "auto"}, text={"verbosity": "low"}, service_tier="flex",
        compaction={"async": True},
    )
    metadata_only = agents.update(agent.id, metadata={"c": "3"})
    assert metadata_only.metadata == {"c": "3"}
    assert metadata_only.model_dump(exclude={"metadata", "updated_at"}) == agent.model_dump(
        exclude={"metadata", "updated_at"}
    )
    assert agents.update(agent.id, tools=[{"type": "automations"}]).tools[0].type == "automations"
    cleared = agents.update(
        agent.id, name=None, instructions=None, metadata=None, tools=None, reasoning=None, text=None,
        service_tier=None, compaction=None,
    )
    configuration = cleared.model_dump(mode="json", by_alias=True, exclude={"id", "created_at", "updated_at"})
    assert configuration == {**DEFAULTS, "model": "gpt-5"}
    assert cleared.model == "gpt-5" and cleared.created_at == agent.created_at


def test_experimental_settings_merge_by_key(client: openai.OpenAI) -> None:
    agent = client.beta.agents.create(model="gpt-5", experimental={"time_awareness": True})
    assert client.beta.agents.update(agent.id, experimental={}).experimental.time_awareness is True  # type: ignore[union-attr]
    agent = client.beta.agents.update(agent.id, experimental={"time_awareness": False})
    assert agent.experimental is not None and agent.experimental.time_awareness is False


def test_updated_at_moves_on_every_update(client: openai.OpenAI) -> None:
    agent = client.beta.agents.create(model="gpt-5")
    stamps = [client.beta.agents.update(agent.id, name=f"n{i}").updated_at for i in range(3)]
    assert agent.updated_at < stamps[0] < stamps[1] < stamps[2]


def test_list_pages_with_after_and_order_and_has_no_before(client: openai.OpenAI, raw: Raw) -> None:
    ids = [client.beta.agents.create(model="gpt-5", name=str(i)).id for i in range(5)]
    assert [a.id for a in client.beta.agents.list(limit=2, order="asc")] == ids
    first = client.beta.agents.list(limit=2)
    assert [a.id for a in first.data] == [ids[4], ids[3]] and first.has_more
    assert [a.id for a in client.beta.agents.list(after=ids[1], order="asc")] == ids[2:]
    default = raw("GET", "/agents", headers=AGENTS_BETA).body
    assert len(default["data"]) == 5 and default["first_id"] == ids[-1]
    refused = raw("GET", f"/agents?before={ids[0]}", headers=AGENTS_BETA)
    assert (refused.status, refused.body["error"]["code"]) == (400, "unknown_parameter")
    for limit in (0, 101):
        assert raw("GET", f"/agents?limit={limit}", headers=AGENTS_BETA).status == 400


BAD_BODIES = [
    ({"name": "no model"}, "model", "missing_required_parameter"),
    ({"model": "gpt-5", "metadata": {f"k{i}": "v" for i in range(17)}}, "metadata", "object_above_max_properties"),
    ({"model": "gpt-5", "metadata": {"k" * 65: "v"}}, "metadata." + "k" * 65, "string_above_max_length"),
    ({"model": "gpt-5", "metadata": {"k": "v" * 513}}, "metadata.k", "string_above_max_length"),
    ({"model": "gpt-5", "name": "n" * 129}, "name", "string_above_max_length"),
    ({"model": "gpt-5", "tools": [{"type": "file_search"}]}, "tools[0].type", "invalid_value"),
    ({"model": "gpt-5", "tools": [{"type": "code_interpreter"}]}, "tools[0].type", "invalid_value"),
    ({"model": "gpt-5", "tools": [{**WEATHER, "description": None}]}, "tools[0].description", "invalid_type"),
    ({"model": "gpt-5", "tools": [{**WEATHER, "name": "get_weather\n"}]}, "tools[0].name", "invalid_value"),
    (
        {"model": "gpt-5", "tools": [{k: v for k, v in WEATHER.items() if k != "parameters"}]},
        "tools[0].parameters", "missing_required_parameter",
    ),
    ({"model": "gpt-5", "tools": [{**EVERY_TOOL[3], "credential_id": "cred_nope"}]}, "tools[0].credential_id",
     "invalid_value"),
    ({"model": "gpt-5", "reasoning": {"effort": "extreme"}}, "reasoning.effort", "invalid_value"),
    ({"model": "gpt-5", "text": {"format": {"type": "json_schema"}}}, "text.format.schema",
     "missing_required_parameter"),
    ({"model": "gpt-5", "multi_agent": {"max_concurrent_subagents": 2}}, "multi_agent.enabled",
     "missing_required_parameter"),
    ({"model": "gpt-5", "temperature": 1}, "temperature", "unknown_parameter"),
]


@pytest.mark.parametrize(("body", "param", "code"), BAD_BODIES)
def test_a_bad_create_is_refused_and_stores_nothing(raw: Raw, body: dict[str, Any], param: str, code: str) -> None:
    response = raw("POST", "/agents", headers=AGENTS_BETA, body=body)
    assert response.status == 400, response.body
    assert (response.body["error"]["param"], response.body["error"]["code"]) == (param, code)
    assert raw("GET", "/agents", headers=AGENTS_BETA).body["data"] == []


def _tools_of_size(size: int) -> list[dict[str, Any]]:
    tool = {**WEATHER, "description": ""}
    padding = size - len(json.dumps([tool], separators=(",", ":")).encode())
    return [{**tool, "description": "d" * padding}]


def test_tools_fit_in_three_mebibytes_of_compact_json(client: openai.OpenAI) -> None:
    agent = client.beta.agents.create(model="gpt-5", tools=_tools_of_size(limits.AGENT_TOOLS_BYTES_MAX))  # type: ignore[arg-type]
    with pytest.raises(openai.BadRequestError) as err:
        client.beta.agents.update(agent.id, tools=_tools_of_size(limits.AGENT_TOOLS_BYTES_MAX + 1))  # type: ignore[arg-type]
    assert err.value.param == "tools"
    assert len(client.beta.agents.retrieve(agent.id).tools[0].description) > 3_000_000  # type: ignore[union-attr]


def test_a_failed_update_changes_nothing(client: openai.OpenAI) -> None:
    agent = client.beta.agents.create(model="gpt-5", name="kept", tools=[WEATHER])  # type: ignore[list-item]
    with pytest.raises(openai.BadRequestError):
        client.beta.agents.update(agent.id, name="changed", tools=[{"type": "file_search"}])  # type: ignore[list-item]
    assert client.beta.agents.retrieve(agent.id) == agent


def test_a_lone_surrogate_is_a_400_and_nothing_is_stored(raw: Raw) -> None:
    response = raw("POST", "/agents", headers=AGENTS_BETA, body={"model": "gpt-5", "name": "x\ud800y"})
    assert response.status == 400
    response = raw("POST", "/vaults", headers=AGENTS_BETA, body={"metadata": {"k\udfff": "v"}})
    assert response.status == 400
    assert raw("GET", "/agents", headers=AGENTS_BETA).body["data"] == []
    assert raw("GET", "/vaults", headers=AGENTS_BETA).body["data"] == []


@pytest.mark.parametrize("path", ["/agents", "/vaults", "/vaults/vault_x/credentials"])
def test_every_agents_api_call_needs_the_beta_header(raw: Raw, path: str) -> None:
    for headers in (AUTH, {**AUTH, "OpenAI-Beta": "assistants=v2"}):
        response = raw("GET", path, headers=headers)
        assert (response.status, response.body["error"]["code"]) == (400, "invalid_beta")
        assert "OpenAI-Beta: agents=v1" in response.body["error"]["message"]
    assert raw("GET", path, headers={"OpenAI-Beta": "agents=v1"}).status == 401


def test_a_target_without_the_agents_beta_answers_404() -> None:
    with serve_in_background(no_agents=True) as sandbox, openai.OpenAI(
        base_url=sandbox.base_url, api_key="sk-test", max_retries=0
    ) as client:
        with pytest.raises(openai.NotFoundError) as err:
            client.beta.agents.list()
        assert err.value.body["message"] == "Invalid URL (GET /v1/agents)"  # type: ignore[index]
        with pytest.raises(openai.NotFoundError):
            client.beta.agents.vaults.create(name="v")
        with pytest.raises(openai.NotFoundError):
            client.beta.agents.vaults.credentials.list("vault_x")
        assert client.vector_stores.create(name="still here").status == "completed"


def test_agents_persist_in_the_database_file(tmp_path: Path) -> None:
    db = str(tmp_path / "sandbox.db")
    with serve_in_background(db) as first, openai.OpenAI(base_url=first.base_url, api_key="k") as client:
        agent = client.beta.agents.create(model="gpt-5", tools=EVERY_TOOL, metadata={"a": "b"})  # type: ignore[arg-type]
    with serve_in_background(db) as second, openai.OpenAI(base_url=second.base_url, api_key="k") as client:
        assert client.beta.agents.retrieve(agent.id) == agent


def test_an_agent_names_a_credential_that_exists(client: openai.OpenAI) -> None:
    vault = client.beta.agents.vaults.create(name="v")
    credential = client.beta.agents.vaults.credentials.create(
        vault.id, name="c", auth={"type": "static_bearer", "token": "t", "mcp_server_url": "https://mcp.example/"}
    )
    tool = {**EVERY_TOOL[3], "credential_id": credential.id}
    agent = client.beta.agents.create(model="gpt-5", tools=[tool])  # type: ignore[list-item]
    assert agent.tools[0].credential_id == credential.id  # type: ignore[union-attr]
    client.beta.agents.vaults.credentials.delete(credential.id, vault_id=vault.id)
    assert client.beta.agents.retrieve(agent.id).tools[0].credential_id == credential.id  # type: ignore[union-attr]
    with pytest.raises(openai.BadRequestError) as err:
        client.beta.agents.update(agent.id, tools=[tool])  # type: ignore[list-item]
    assert err.value.param == "tools[0].credential_id"
    assert client.beta.agents.update(agent.id, tools=[EVERY_TOOL[3]]).tools[0].credential_id is None  # type: ignore[union-attr]

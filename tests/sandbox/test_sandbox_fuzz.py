"""No request body, however wrong, makes the sandbox fail: it answers 4xx with an OpenAI-shaped error."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from typing import Any

import openai

BETA = {"Authorization": "Bearer sk-test", "OpenAI-Beta": "assistants=v2"}
ODD_VALUES: list[Any] = [None, 0, -1, 10**20, 1.5, "", "x" * 600, True, [], [None], {}, {"type": "?"}, ["a", 1]]

ASSISTANT = {
    "model": "gpt-4o", "name": "n", "instructions": "i", "metadata": {"k": "v"}, "temperature": 1,
    "response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": {}}},
    "tools": [{"type": "function", "function": {"name": "f", "parameters": {}}},
              {"type": "file_search", "file_search": {"max_num_results": 3,
                                                       "ranking_options": {"score_threshold": 0.5}}}],
    "tool_resources": {"code_interpreter": {"file_ids": []},
                       "file_search": {"vector_stores": [{"file_ids": [], "chunking_strategy": {"type": "auto"}}]}},
}
STORE = {
    "name": "kb", "file_ids": [], "metadata": {"a": "b"}, "expires_after": {"anchor": "last_active_at", "days": 2},
    "chunking_strategy": {"type": "static", "static": {"max_chunk_size_tokens": 200, "chunk_overlap_tokens": 50}},
}


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, child in items:
        found += _paths(child, (*prefix, key))
    return found


def _mutate(body: dict[str, Any], rng: random.Random) -> Any:
    mutated = copy.deepcopy(body)
    path = rng.choice(_paths(mutated))
    parent = mutated
    for key in path[:-1]:
        parent = parent[key]
    if rng.random() < 0.15 and isinstance(parent, dict):
        parent[f"extra_{rng.randint(0, 9)}"] = 1
    else:
        parent[path[-1]] = rng.choice(ODD_VALUES)
    return mutated


def test_mutated_bodies_get_client_errors_never_server_errors(
    client: openai.OpenAI, raw: Callable[..., Any]
) -> None:
    doc = client.files.create(file=("a.md", b"# a"), purpose="assistants").id
    store = client.vector_stores.create(name="kb", file_ids=[doc]).id
    assistant = client.beta.assistants.create(model="gpt-4o").id
    targets = [
        ("/assistants", ASSISTANT), (f"/assistants/{assistant}", ASSISTANT), ("/vector_stores", STORE),
        (f"/vector_stores/{store}", {"name": "x", "metadata": {}, "expires_after": None}),
        (f"/vector_stores/{store}/files", {"file_id": doc, "attributes": {"a": 1, "b": "s", "c": True}}),
        (f"/vector_stores/{store}/files/{doc}", {"attributes": {"a": 1}}),
        (f"/vector_stores/{store}/file_batches", {"files": [{"file_id": doc, "attributes": {"x": "y"}}]}),
    ]
    rng = random.Random(20261122)
    statuses: dict[int, int] = {}
    for _ in range(300):
        path, body = rng.choice(targets)
        response = raw("POST", path, headers=BETA, body=_mutate(body, rng))
        statuses[response.status] = statuses.get(response.status, 0) + 1
        assert response.status < 500, (path, response.body)
        if response.status >= 400:
            assert set(response.body["error"]) == {"message", "type", "param", "code"}
    assert statuses.get(400, 0) > 100 and statuses.get(200, 0) > 10, statuses


AGENTS_BETA = {"Authorization": "Bearer sk-test", "OpenAI-Beta": "agents=v1"}
SECRET = "ghp_FUZZsecret"
AGENT = {
    "model": "gpt-5", "name": "n", "instructions": "i", "metadata": {"k": "v"}, "service_tier": "flex",
    "reasoning": {"effort": "low", "summary": "auto"}, "multi_agent": {"enabled": True, "max_concurrent_subagents": 2},
    "text": {"format": {"type": "json_schema", "schema": {"type": "object"}}, "verbosity": "low"},
    "compaction": {"async": True}, "experimental": {"time_awareness": True},
    "tools": [
        {"type": "function", "name": "f", "description": "d", "parameters": {}, "defer_loading": True},
        {"type": "mcp", "server_label": "s", "transport": {"type": "http", "server_url": "https://m.example/",
                                                           "headers": {"x": "y"}}, "allowed_tools": ["a"]},
        {"type": "web_search", "location": {"city": "c"}, "allowed_domains": ["d.example"]},
        {"type": "programmatic_tool_calling", "enabled": False}, {"type": "computer_use"},
    ],
}
CREDENTIAL = {
    "name": "c", "metadata": {"k": "v"},
    "auth": {"type": "mcp_oauth", "access_token": SECRET, "mcp_server_url": "https://m.example/",
             "refresh": {"client_id": "i", "refresh_token": SECRET, "token_endpoint": "https://t.example/",
                         "token_endpoint_auth": {"type": "client_secret_post", "client_secret": SECRET}}},
}


def test_mutated_agents_api_bodies_get_client_errors_and_never_a_secret(
    client: openai.OpenAI, raw: Callable[..., Any]
) -> None:
    from openai.types.beta import Agent
    from openai.types.beta.agents import Vault
    from openai.types.beta.agents.vaults import Credential

    agent = client.beta.agents.create(model="gpt-5").id
    vault = client.beta.agents.vaults.create(name="v").id
    credential = client.beta.agents.vaults.credentials.create(vault, **CREDENTIAL).id  # type: ignore[arg-type]
    rotate = {"auth": {"type": "mcp_oauth", "access_token": SECRET, "refresh": {"scope": "s"}}, "metadata": {}}
    targets: list[tuple[str, dict[str, Any], Any]] = [
        ("/agents", AGENT, Agent), (f"/agents/{agent}", AGENT, Agent),
        ("/vaults", {"name": "v", "metadata": {"a": "b"}}, Vault), (f"/vaults/{vault}", {"name": None}, Vault),
        (f"/vaults/{vault}/credentials", CREDENTIAL, Credential),
        (f"/vaults/{vault}/credentials/{credential}", rotate, Credential),
    ]
    rng = random.Random(20261130)
    statuses: dict[int, int] = {}
    for _ in range(300):
        path, body, model = rng.choice(targets)
        response = raw("POST", path, headers=AGENTS_BETA, body=_mutate(body, rng))
        statuses[response.status] = statuses.get(response.status, 0) + 1
        assert response.status < 500, (path, response.body)
        assert SECRET not in str(response.body)
        if response.status == 200:
            model.model_validate(response.body, strict=True)
        else:
            assert set(response.body["error"]) == {"message", "type", "param", "code"}
    assert statuses.get(400, 0) > 100 and statuses.get(200, 0) > 10, statuses

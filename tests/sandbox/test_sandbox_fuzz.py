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

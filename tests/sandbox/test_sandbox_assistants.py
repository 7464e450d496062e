"""Assistant semantics a provisioner relies on: tool_resources, helpers, write-only fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import openai
import pytest


def test_modify_replaces_tool_resource_lists(client: openai.OpenAI, upload: Callable[..., str]) -> None:
    first, second = upload("a.csv", b"x,y\n"), upload("b.csv", b"x,y\n")
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "code_interpreter"}],
        tool_resources={"code_interpreter": {"file_ids": [first]}},
    )
    updated = client.beta.assistants.update(
        assistant.id, tool_resources={"code_interpreter": {"file_ids": [second]}}
    )
    assert updated.tool_resources is not None and updated.tool_resources.code_interpreter is not None
    assert updated.tool_resources.code_interpreter.file_ids == [second]


def test_modify_keeps_fields_it_was_not_given(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(
        model="gpt-4o", name="n", description="d", instructions="i", metadata={"a": "1"}, top_p=0.5
    )
    updated = client.beta.assistants.update(assistant.id, model="gpt-4.1")
    assert updated.model == "gpt-4.1"
    assert (updated.name, updated.description, updated.instructions, updated.metadata, updated.top_p) == (
        "n", "d", "i", {"a": "1"}, 0.5)


def test_vector_stores_helper_creates_and_attaches_a_store(client: openai.OpenAI, upload: Callable[..., str]) -> None:
    doc = upload("guide.md", b"# Guide\n")
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_stores": [{"file_ids": [doc], "metadata": {"k": "v"}}]}},
    )
    assert assistant.tool_resources is not None and assistant.tool_resources.file_search is not None
    (store_id,) = assistant.tool_resources.file_search.vector_store_ids or []
    store = client.vector_stores.retrieve(store_id)
    assert store.metadata == {"k": "v"}
    assert [f.id for f in client.vector_stores.files.list(store_id)] == [doc]


def test_vector_store_ids_and_vector_stores_are_mutually_exclusive(client: openai.OpenAI) -> None:
    store = client.vector_stores.create(name="kb")
    with pytest.raises(openai.BadRequestError) as err:
        client.beta.assistants.create(
            model="gpt-4o",
            tool_resources={"file_search": {"vector_store_ids": [store.id], "vector_stores": [{}]}},
        )
    assert err.value.param == "tool_resources.file_search"


def test_reasoning_effort_is_accepted_and_never_returned(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.with_raw_response.create(model="o3-mini", reasoning_effort="high")
    assert "reasoning_effort" not in assistant.http_response.json()
    updated = client.beta.assistants.with_raw_response.update(assistant.parse().id, reasoning_effort="low")
    assert "reasoning_effort" not in updated.http_response.json()


def test_any_model_name_is_accepted(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="my-local-llama")
    assert assistant.model == "my-local-llama"


def test_defaults_of_a_minimal_assistant(client: openai.OpenAI) -> None:
    body: dict[str, Any] = client.beta.assistants.with_raw_response.create(model="gpt-4o").http_response.json()
    assert body["tools"] == [] and body["metadata"] == {}
    assert (body["name"], body["description"], body["instructions"]) == (None, None, None)
    assert (body["temperature"], body["top_p"], body["response_format"]) == (1.0, 1.0, "auto")
    assert isinstance(body["created_at"], int)


@pytest.mark.parametrize(
    ("resources", "message"),
    [
        ({"code_interpreter": {"file_ids": ["file-missing"]}}, "No such File object: file-missing"),
        ({"file_search": {"vector_store_ids": ["vs_missing"]}}, "No vector store found with id 'vs_missing'."),
    ],
)
def test_unknown_references_are_not_found(client: openai.OpenAI, resources: Any, message: str) -> None:
    with pytest.raises(openai.NotFoundError) as err:
        client.beta.assistants.create(model="gpt-4o", tool_resources=resources)
    assert err.value.body["message"] == message  # type: ignore[index]


def test_response_format_json_schema_round_trips(client: openai.OpenAI) -> None:
    fmt = {"type": "json_schema", "json_schema": {"name": "answer", "schema": {"type": "object"}, "strict": True}}
    assistant = client.beta.assistants.create(model="gpt-4o", response_format=fmt)  # type: ignore[arg-type]
    raw = client.beta.assistants.with_raw_response.retrieve(assistant.id).http_response.json()
    assert raw["response_format"] == fmt


def test_null_means_the_default(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o", temperature=None, metadata=None)
    assert (assistant.temperature, assistant.metadata) == (1.0, {})
    updated = client.beta.assistants.update(assistant.id, name="x", top_p=None)
    assert (updated.name, updated.top_p) == ("x", 1.0)


def test_the_vector_stores_helper_is_create_only(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o")
    with pytest.raises(openai.BadRequestError) as err:
        client.beta.assistants.update(
            assistant.id, tool_resources={"file_search": {"vector_stores": [{}]}}  # type: ignore[typeddict-unknown-key]
        )
    assert (err.value.param, err.value.code) == ("tool_resources.file_search.vector_stores", "unknown_parameter")

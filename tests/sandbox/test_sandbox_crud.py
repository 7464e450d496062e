"""Basic create/read/update/delete of each resource, through the SDK's own methods."""

from __future__ import annotations

import openai
import pytest

from aac.sandbox.server import RunningSandbox


def test_assistant_lifecycle(client: openai.OpenAI) -> None:
    created = client.beta.assistants.create(
        model="gpt-4o",
        name="helper",
        instructions="Be brief.",
        tools=[{"type": "code_interpreter"}, {"type": "function", "function": {"name": "get_weather"}}],
        metadata={"team": "docs"},
        temperature=0.5,
    )
    assert created.id.startswith("asst_")
    assert created.object == "assistant"
    assert client.beta.assistants.retrieve(created.id) == created

    updated = client.beta.assistants.update(created.id, name="renamed", metadata={"team": "ops"})
    assert (updated.name, updated.metadata, updated.instructions) == ("renamed", {"team": "ops"}, "Be brief.")

    gone = client.beta.assistants.delete(created.id)
    assert (gone.id, gone.object, gone.deleted) == (created.id, "assistant.deleted", True)
    with pytest.raises(openai.NotFoundError) as err:
        client.beta.assistants.retrieve(created.id)
    assert err.value.body["message"] == f"No assistant found with id '{created.id}'."  # type: ignore[index]


def test_file_lifecycle(client: openai.OpenAI) -> None:
    uploaded = client.files.create(file=("notes.md", b"# Notes\nhello\n"), purpose="assistants")
    assert uploaded.id.startswith("file-")
    assert (uploaded.filename, uploaded.bytes, uploaded.purpose, uploaded.status) == (
        "notes.md", 14, "assistants", "processed")
    assert client.files.retrieve(uploaded.id) == uploaded
    assert [f.id for f in client.files.list()] == [uploaded.id]

    gone = client.files.delete(uploaded.id)
    assert (gone.id, gone.object, gone.deleted) == (uploaded.id, "file", True)
    with pytest.raises(openai.NotFoundError, match=f"No such File object: {uploaded.id}"):
        client.files.retrieve(uploaded.id)


def test_vector_store_lifecycle(client: openai.OpenAI) -> None:
    doc = client.files.create(file=("guide.txt", b"some text " * 50), purpose="assistants")
    store = client.vector_stores.create(name="kb", file_ids=[doc.id], metadata={"k": "v"})
    assert store.id.startswith("vs_")
    assert store.file_counts.total == 1

    attached = client.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=("more.md", b"# more"))
    assert attached.status == "completed"
    listed = client.vector_stores.files.list(vector_store_id=store.id)
    assert sorted(f.id for f in listed) == sorted([doc.id, attached.id])

    renamed = client.vector_stores.update(store.id, name="knowledge")
    assert renamed.name == "knowledge"
    gone = client.vector_stores.delete(store.id)
    assert (gone.object, gone.deleted) == ("vector_store.deleted", True)
    with pytest.raises(openai.NotFoundError):
        client.vector_stores.retrieve(store.id)


def test_requests_are_counted(sandbox: RunningSandbox, client: openai.OpenAI) -> None:
    client.models.list()
    client.models.retrieve("gpt-4o")
    assert sandbox.requests == 2
    sandbox.reset_counts()
    assert sandbox.requests == 0

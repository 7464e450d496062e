"""What deleting takes with it, file content rules, and persistence across a restart."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import openai
import pytest

from aac.sandbox.indexing import VS_FILE
from aac.sandbox.server import RunningSandbox, serve_in_background
from aac.sandbox.vaults import CREDENTIAL

Upload = Callable[..., str]


def test_deleting_a_file_removes_it_from_stores_and_assistants(client: openai.OpenAI, upload: Upload) -> None:
    doc, keep = upload("a.md"), upload("b.csv", b"x\n")
    store = client.vector_stores.create(name="kb", file_ids=[doc])
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "code_interpreter"}],
        tool_resources={"code_interpreter": {"file_ids": [doc, keep]}},
    )
    client.files.delete(doc)
    assert list(client.vector_stores.files.list(store.id)) == []
    assert client.vector_stores.retrieve(store.id).file_counts.total == 0
    resources = client.beta.assistants.retrieve(assistant.id).tool_resources
    assert resources is not None and resources.code_interpreter is not None
    assert resources.code_interpreter.file_ids == [keep]


def test_removing_a_file_from_a_store_keeps_the_file(client: openai.OpenAI, upload: Upload) -> None:
    doc = upload()
    store = client.vector_stores.create(name="kb", file_ids=[doc])
    gone = client.vector_stores.files.delete(doc, vector_store_id=store.id)
    assert (gone.id, gone.object, gone.deleted) == (doc, "vector_store.file.deleted", True)
    assert client.files.retrieve(doc).id == doc
    with pytest.raises(openai.NotFoundError):
        client.vector_stores.files.delete(doc, vector_store_id=store.id)


def test_deleting_a_store_keeps_its_files(sandbox: RunningSandbox, client: openai.OpenAI, upload: Upload) -> None:
    doc = upload()
    store = client.vector_stores.create(name="kb", file_ids=[doc])
    client.vector_stores.delete(store.id)
    assert client.files.retrieve(doc).id == doc
    assert sandbox.store.all(VS_FILE, store.id) == []  # its entries went with it


def test_deleting_a_vault_deletes_its_credentials(sandbox: RunningSandbox, client: openai.OpenAI) -> None:
    vault = client.beta.agents.vaults.create(name="v")
    client.beta.agents.vaults.credentials.create(
        vault.id, name="github", auth={"type": "static_bearer", "mcp_server_url": "https://mcp.example.com/sse",
                                       "token": "t0ken"},
    )
    assert len(sandbox.store.all(CREDENTIAL, vault.id)) == 1
    client.beta.agents.vaults.delete(vault.id)
    assert sandbox.store.all(CREDENTIAL, vault.id) == []


def test_assistant_files_cannot_be_downloaded(client: openai.OpenAI, upload: Upload) -> None:
    doc = upload()
    with pytest.raises(openai.BadRequestError) as err:
        client.files.content(doc)
    assert err.value.body["message"] == "Not allowed to download files of purpose: assistants"  # type: ignore[index]


def test_batch_files_can_be_downloaded(client: openai.OpenAI, upload: Upload) -> None:
    content = b'{"custom_id": "1"}\n' * 1000
    assert client.files.content(upload("in.jsonl", content, purpose="batch")).content == content


def test_vector_store_file_content_is_the_text(client: openai.OpenAI) -> None:
    store = client.vector_stores.create(name="kb")
    vs_file = client.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=("a.md", b"# Hello"))
    pages = client.vector_stores.files.content(vs_file.id, vector_store_id=store.id)
    assert [part.text for part in pages] == ["# Hello"]


def test_objects_survive_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "state" / "sandbox.db")
    content = b"line\n" * 10_000
    with serve_in_background(db) as first, openai.OpenAI(base_url=first.base_url, api_key="k") as client:
        upload = client.files.create(file=("data.jsonl", content), purpose="batch")
        doc = client.files.create(file=("doc.md", b"# doc"), purpose="assistants")
        store = client.vector_stores.create(name="kb", file_ids=[doc.id])
        assistant = client.beta.assistants.create(model="gpt-4o", name="kept", metadata={"a": "b"})
        client.vector_stores.files.poll(doc.id, vector_store_id=store.id)
    with serve_in_background(db) as second, openai.OpenAI(base_url=second.base_url, api_key="k") as client:
        assert client.beta.assistants.retrieve(assistant.id).metadata == {"a": "b"}
        assert client.files.content(upload.id).content == content
        assert client.vector_stores.retrieve(store.id).file_counts.completed == 1
        assert [a.id for a in client.beta.assistants.list()] == [assistant.id]
    assert (tmp_path / "state" / "sandbox.db.files" / upload.id).stat().st_size == len(content)


def test_memory_database_leaves_nothing_behind() -> None:
    with serve_in_background() as sandbox, openai.OpenAI(base_url=sandbox.base_url, api_key="k") as client:
        client.files.create(file=("a.md", b"x"), purpose="assistants")
        blobs = sandbox.store.blob_dir
        assert any(blobs.iterdir())
    assert not blobs.exists()


def test_an_expired_file_is_gone_everywhere(sandbox: RunningSandbox, client: openai.OpenAI) -> None:
    doc = client.files.create(
        file=("a.md", b"# a"), purpose="assistants", expires_after={"anchor": "created_at", "seconds": 3600}
    )
    store = client.vector_stores.create(name="kb", file_ids=[doc.id])
    assert client.files.retrieve(doc.id).expires_at == doc.created_at + 3600
    stored = sandbox.store.get("file", doc.id)
    assert stored is not None
    stored["expires_at"] = int(time.time()) - 1  # as if the hour had passed
    sandbox.store.put("file", stored)
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve(doc.id)
    assert list(client.files.list()) == []
    assert client.vector_stores.retrieve(store.id).file_counts.total == 0

"""Hostile documents attached to a store: each fails `invalid_file` naming its limit, and none stops the sandbox."""

from __future__ import annotations

import threading
from collections.abc import Callable

import openai
import pytest
from tests import hostile_documents as hostile
from tests.sandbox.conftest import Upload

from aac import parsing
from aac.sandbox.server import RunningSandbox

HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "runs.docx": (lambda: hostile.unclosed_runs("docx"), "its XML is not well-formed"),
    "runs.pptx": (lambda: hostile.unclosed_runs("pptx"), "its XML is not well-formed"),
    "laughs.docx": (lambda: hostile.nested_entities("docx"), "its XML declares a DTD"),
    "entity.pptx": (lambda: hostile.external_entity("pptx"), "its XML declares a DTD"),
    "bomb.docx": (lambda: hostile.zip_bomb("docx"), "its XML expands past 64 MiB (limit)"),
    "bomb.pptx": (lambda: hostile.zip_bomb("pptx"), "its XML expands past 64 MiB (limit)"),
    "lying.docx": (lambda: hostile.lying_zip_bomb("docx"), "Bad CRC-32"),
    "parts.pptx": (lambda: hostile.many_parts(10_001), "it has more than 10,000 text parts (limit)"),
    "shared.pdf": (lambda: hostile.shared_stream_pdf(3_000, hostile.text_ops("y" * 3_000, 1)),
                   "its pages' content expands past 8 MiB (limit)"),
    "pages.pdf": (lambda: hostile.shared_stream_pdf(5_001, b""), "it has more than 5,000 pages (limit)"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_document_fails_as_invalid_file_naming_the_limit(
        client: openai.OpenAI, upload: Upload, name: str) -> None:
    build, reason = HOSTILE[name]
    store = client.vector_stores.create(name="kb")
    vs_file = client.vector_stores.files.create_and_poll(upload(name, build()), vector_store_id=store.id)
    assert vs_file.status == "failed" and vs_file.last_error is not None
    assert vs_file.last_error.code == "invalid_file"
    assert vs_file.last_error.message.startswith("The file could not be parsed: ")
    assert reason in vs_file.last_error.message
    assert client.vector_stores.retrieve(store.id).file_counts.failed == 1


def test_a_hostile_document_in_a_batch_fails_alone(client: openai.OpenAI, upload: Upload) -> None:
    fine = f"<w:d {hostile.W}><w:p><w:t>ok</w:t></w:p></w:d>"
    good = upload("fine.docx", hostile.package({"word/document.xml": fine}))
    bad = upload("runs.docx", hostile.unclosed_runs("docx"))
    store = client.vector_stores.create(name="kb")
    batch = client.vector_stores.file_batches.create_and_poll(store.id, file_ids=[good, bad])
    assert (batch.file_counts.completed, batch.file_counts.failed) == (1, 1)
    content = client.vector_stores.files.content(good, vector_store_id=store.id)
    assert [part.text for part in content] == ["ok"]


@pytest.mark.parametrize("attach", ["file", "batch", "new_store"])
def test_an_attach_answers_in_progress_and_the_sandbox_answers_while_the_document_parses(
        sandbox: RunningSandbox, client: openai.OpenAI, upload: Upload, monkeypatch: pytest.MonkeyPatch,
        attach: str) -> None:
    """The parse is held mid-document: the attach has answered, `GET /v1/models` answers, the file stays
    `in_progress`; let go, it settles `failed`."""
    started, finish = threading.Event(), threading.Event()
    real = parsing.parsed_text

    def held(filename: str, data: bytes) -> bytes:
        started.set()
        finish.wait(60)
        return real(filename, data)

    monkeypatch.setattr(parsing, "parsed_text", held)
    doc = upload("runs.docx", hostile.unclosed_runs("docx"))
    try:
        with openai.OpenAI(base_url=sandbox.base_url, api_key="sk-test", max_retries=0, timeout=30) as other:
            store_id = _attach(other, attach, doc)
            assert started.wait(30)
            assert other.models.list().data  # answered while the parse still holds
            vs_file = other.vector_stores.files.retrieve(doc, vector_store_id=store_id)
            assert vs_file.status == "in_progress"
            assert other.vector_stores.retrieve(store_id).status == "in_progress"
    finally:
        finish.set()
    settled = client.vector_stores.files.poll(doc, vector_store_id=store_id, poll_interval_ms=10)
    assert settled.status == "failed" and settled.last_error is not None
    assert "not well-formed" in settled.last_error.message


def _attach(client: openai.OpenAI, how: str, file_id: str) -> str:
    if how == "new_store":
        return client.vector_stores.create(name="kb", file_ids=[file_id]).id
    store_id = client.vector_stores.create(name="kb").id
    if how == "file":
        assert client.vector_stores.files.create(vector_store_id=store_id, file_id=file_id).status == "in_progress"
    else:
        assert client.vector_stores.file_batches.create(store_id, file_ids=[file_id]).status == "in_progress"
    return store_id

"""Vector-store indexing: in_progress -> completed / failed, counts, usage_bytes, batches, cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import openai
import pytest

from aac import parsing
from aac.sandbox.server import RunningSandbox, serve_in_background

REPO = Path(__file__).resolve().parents[2]

Upload = Callable[..., str]


@pytest.fixture
def slow_client() -> Iterator[openai.OpenAI]:
    """A client for a sandbox whose files stay `in_progress` for a minute: a frozen mid-indexing state."""
    with serve_in_background(index_delay_ms=60_000) as sandbox, openai.OpenAI(
        base_url=sandbox.base_url, api_key="sk-test", max_retries=0
    ) as client:
        yield client


def test_a_new_file_is_in_progress_until_indexed(slow_client: openai.OpenAI) -> None:
    doc = slow_client.files.create(file=("a.md", b"# a\n"), purpose="assistants")
    store = slow_client.vector_stores.create(name="kb", file_ids=[doc.id])
    assert store.status == "in_progress"
    assert store.file_counts.model_dump() == {
        "in_progress": 1, "completed": 0, "failed": 0, "cancelled": 0, "total": 1
    }
    vs_file = slow_client.vector_stores.files.retrieve(doc.id, vector_store_id=store.id)
    assert (vs_file.status, vs_file.last_error, vs_file.usage_bytes) == ("in_progress", None, 0)


def test_indexing_completes_and_counts_follow(client: openai.OpenAI, upload: Upload) -> None:
    store = client.vector_stores.create(name="kb")
    vs_file = client.vector_stores.files.create_and_poll(upload("a.md", b"# a\n" * 100), vector_store_id=store.id)
    assert (vs_file.status, vs_file.last_error) == ("completed", None)
    assert vs_file.usage_bytes > 400
    refreshed = client.vector_stores.retrieve(store.id)
    assert refreshed.status == "completed"
    assert (refreshed.file_counts.completed, refreshed.file_counts.total) == (1, 1)
    assert refreshed.usage_bytes == vs_file.usage_bytes


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [("photo.png", b"\x89PNG....", "unsupported_file"), ("noext", b"text", "unsupported_file"),
     ("empty.txt", b"", "invalid_file")],
)
def test_unindexable_files_fail_with_a_reason(client: openai.OpenAI, name: str, content: bytes, code: str) -> None:
    store = client.vector_stores.create(name="kb")
    vs_file = client.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=(name, content))
    assert vs_file.status == "failed"
    assert vs_file.last_error is not None and vs_file.last_error.code == code
    assert vs_file.last_error.message
    refreshed = client.vector_stores.retrieve(store.id)
    assert (refreshed.file_counts.failed, refreshed.usage_bytes, refreshed.status) == (1, 0, "completed")


def test_usage_bytes_is_deterministic_and_summed(client: openai.OpenAI, upload: Upload) -> None:
    content = b"The quick brown fox. " * 500
    one, two = client.vector_stores.create(name="one"), client.vector_stores.create(name="two")
    first = client.vector_stores.files.create_and_poll(upload("a.txt", content), vector_store_id=one.id)
    again = client.vector_stores.files.create_and_poll(upload("b.txt", content), vector_store_id=two.id)
    other = client.vector_stores.files.create_and_poll(upload("c.txt", b"short"), vector_store_id=one.id)
    assert first.usage_bytes == again.usage_bytes > len(content)
    assert client.vector_stores.retrieve(one.id).usage_bytes == first.usage_bytes + other.usage_bytes


def test_chunking_strategy_is_returned_in_static_form(client: openai.OpenAI, upload: Upload) -> None:
    store = client.vector_stores.create(name="kb")
    auto = client.vector_stores.files.create(store.id, file_id=upload("a.md"))
    static = {"type": "static", "static": {"max_chunk_size_tokens": 1000, "chunk_overlap_tokens": 100}}
    custom = client.vector_stores.files.create(store.id, file_id=upload("b.md"), chunking_strategy=static)  # type: ignore[arg-type]
    assert auto.chunking_strategy is not None and custom.chunking_strategy is not None
    assert auto.chunking_strategy.model_dump() == {
        "type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}
    }
    assert custom.chunking_strategy.model_dump() == static


def test_attributes_are_stored_and_replaced(client: openai.OpenAI, upload: Upload) -> None:
    store = client.vector_stores.create(name="kb")
    file_id = upload()
    created = client.vector_stores.files.create(store.id, file_id=file_id, attributes={"sha": "abc", "n": 2})
    assert created.attributes == {"sha": "abc", "n": 2}
    updated = client.vector_stores.files.update(file_id, vector_store_id=store.id, attributes={"flag": True})
    assert updated.attributes == {"flag": True}
    assert client.vector_stores.files.retrieve(file_id, vector_store_id=store.id).attributes == {"flag": True}


def test_list_filter_by_status(client: openai.OpenAI) -> None:
    store = client.vector_stores.create(name="kb")
    good = client.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=("a.md", b"# ok"))
    bad = client.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=("a.exe", b"MZ"))
    assert [f.id for f in client.vector_stores.files.list(store.id, filter="completed")] == [good.id]
    assert [f.id for f in client.vector_stores.files.list(store.id, filter="failed")] == [bad.id]
    assert list(client.vector_stores.files.list(store.id, filter="cancelled")) == []


def test_poll_interval_header_makes_sdk_pollers_fast(client: openai.OpenAI, upload: Upload) -> None:
    store = client.vector_stores.create(name="kb")
    response = client.vector_stores.files.with_raw_response.create(store.id, file_id=upload())
    assert response.headers["openai-poll-after-ms"] == "10"


def test_file_batch_upload_and_poll(client: openai.OpenAI) -> None:
    store = client.vector_stores.create(name="kb")
    files = [(f"doc{i}.md", f"# doc {i}\n".encode()) for i in range(4)] + [("bad.bin", b"\x00")]
    batch = client.vector_stores.file_batches.upload_and_poll(store.id, files=files)
    assert batch.id.startswith("vsfb_") and batch.object == "vector_store.files_batch"
    assert batch.status == "completed"
    assert (batch.file_counts.completed, batch.file_counts.failed, batch.file_counts.total) == (4, 1, 5)
    listed = client.vector_stores.file_batches.list_files(batch.id, vector_store_id=store.id)
    assert len(list(listed)) == 5
    failed = client.vector_stores.file_batches.list_files(batch.id, vector_store_id=store.id, filter="failed")
    assert len(failed.data) == 1
    assert client.vector_stores.retrieve(store.id).file_counts.total == 5


def test_file_batch_with_per_file_attributes(client: openai.OpenAI, upload: Upload) -> None:
    store = client.vector_stores.create(name="kb")
    first, second = upload("a.md"), upload("b.md")
    batch = client.vector_stores.file_batches.create_and_poll(
        store.id, files=[{"file_id": first, "attributes": {"k": "a"}}, {"file_id": second}]
    )
    assert batch.file_counts.completed == 2
    assert client.vector_stores.files.retrieve(first, vector_store_id=store.id).attributes == {"k": "a"}
    assert client.vector_stores.files.retrieve(second, vector_store_id=store.id).attributes == {}


def test_cancel_moves_pending_files_to_cancelled(slow_client: openai.OpenAI) -> None:
    ids = [slow_client.files.create(file=(f"{i}.md", b"# x"), purpose="assistants").id for i in range(3)]
    store = slow_client.vector_stores.create(name="kb")
    batch = slow_client.vector_stores.file_batches.create(store.id, file_ids=ids)
    assert (batch.status, batch.file_counts.in_progress) == ("in_progress", 3)
    cancelled = slow_client.vector_stores.file_batches.cancel(batch.id, vector_store_id=store.id)
    assert cancelled.status == "cancelled"
    assert (cancelled.file_counts.cancelled, cancelled.file_counts.in_progress) == (3, 0)
    assert slow_client.vector_stores.retrieve(store.id).file_counts.cancelled == 3
    again = slow_client.vector_stores.file_batches.retrieve(batch.id, vector_store_id=store.id)
    assert again.status == "cancelled"


def test_unknown_batch_is_404(client: openai.OpenAI) -> None:
    store = client.vector_stores.create(name="kb")
    with pytest.raises(openai.NotFoundError, match="No file batch found with id 'vsfb_x'"):
        client.vector_stores.file_batches.retrieve("vsfb_x", vector_store_id=store.id)


def test_expiring_store_reports_expiry(client: openai.OpenAI) -> None:
    store = client.vector_stores.create(name="kb", expires_after={"anchor": "last_active_at", "days": 7})
    assert store.expires_after is not None and store.expires_after.days == 7
    assert store.expires_at == store.last_active_at + 7 * 86400  # type: ignore[operator]
    cleared = client.vector_stores.update(store.id, expires_after=None)
    assert (cleared.expires_after, cleared.expires_at) == (None, None)


def test_description_is_write_only(client: openai.OpenAI) -> None:
    store = client.vector_stores.with_raw_response.create(name="kb", description="for support")
    assert "description" not in store.http_response.json()


def test_the_attaching_call_answers_in_progress_and_the_next_read_is_settled(
    client: openai.OpenAI, upload: Upload
) -> None:
    """The shared fixture settles on the next read, so no test depends on the machine's speed."""
    doc, other = upload("a.md"), upload("b.md")
    store = client.vector_stores.create(name="kb", file_ids=[doc])
    assert (store.status, store.file_counts.in_progress) == ("in_progress", 1)
    batch = client.vector_stores.file_batches.create(store.id, file_ids=[other])
    assert (batch.status, batch.file_counts.in_progress) == ("in_progress", 1)
    settled = client.vector_stores.retrieve(store.id)
    assert (settled.status, settled.file_counts.completed) == ("completed", 2)


@pytest.mark.parametrize("attach", ["file", "batch", "new_store", "assistant"])
def test_a_document_being_parsed_does_not_stop_the_sandbox_answering(
        sandbox: RunningSandbox, client: openai.OpenAI, upload: Upload, monkeypatch: pytest.MonkeyPatch,
        attach: str) -> None:
    """A large PDF takes seconds to read: meanwhile every other request is still served."""
    parsing_started, finish = threading.Event(), threading.Event()
    real = parsing.parsed_text

    def held(filename: str, data: bytes) -> bytes:  # the parser, held mid-document until the test lets go
        parsing_started.set()
        finish.wait(30)
        return real(filename, data)

    monkeypatch.setattr(parsing, "parsed_text", held)
    doc = upload("warranty.pdf", (REPO / "knowledge/policies/warranty.pdf").read_bytes())
    store = client.vector_stores.create(name="kb")
    requests = {
        "file": lambda: client.vector_stores.files.create(vector_store_id=store.id, file_id=doc),
        "batch": lambda: client.vector_stores.file_batches.create(store.id, file_ids=[doc]),
        "new_store": lambda: client.vector_stores.create(name="kb2", file_ids=[doc]),
        "assistant": lambda: client.beta.assistants.create(
            model="gpt-4o", tools=[{"type": "file_search"}],
            tool_resources={"file_search": {"vector_stores": [{"file_ids": [doc]}]}}),
    }
    attaching = threading.Thread(target=requests[attach])
    attaching.start()
    try:
        assert parsing_started.wait(30)
        with openai.OpenAI(base_url=sandbox.base_url, api_key="sk-test", max_retries=0, timeout=10) as other:
            assert [f.id for f in other.files.list()] == [doc]  # answered while the parser still holds
    finally:
        finish.set()
        attaching.join()
    assert client.vector_stores.files.create_and_poll(doc, vector_store_id=store.id).status == "completed"

"""The sandbox's server profiles answer as llama-stack 0.7.3 and ogx 1.5.0 were seen to answer."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import openai
import pytest

from aac.sandbox.profiles import SERVER_METADATA_KEYS
from aac.sandbox.server import RunningSandbox, serve_in_background


@contextmanager
def _serve(profile: str) -> Iterator[tuple[RunningSandbox, openai.OpenAI]]:
    # The SDK's retries: these servers close the connection after an error, so a request may meet a reset.
    with serve_in_background(":memory:", index_delay_ms=0, profile=profile) as running, \
            openai.OpenAI(base_url=running.base_url, api_key="sk-test", max_retries=2) as sdk:
        yield running, sdk


@pytest.fixture(params=["llama-stack", "ogx"])
def family(request: pytest.FixtureRequest) -> Iterator[tuple[str, openai.OpenAI]]:
    with _serve(request.param) as (_, sdk):
        yield request.param, sdk


@pytest.fixture
def ogx() -> Iterator[tuple[RunningSandbox, openai.OpenAI]]:
    with _serve("ogx") as served:
        yield served


@pytest.fixture
def llama() -> Iterator[tuple[RunningSandbox, openai.OpenAI]]:
    with _serve("llama-stack") as served:
        yield served


def _upload(sdk: openai.OpenAI, name: str = "a.md", data: bytes = b"# hello\n") -> str:
    return sdk.files.create(file=(name, data), purpose="assistants").id


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="no sandbox profile 'vllm'"), serve_in_background(profile="vllm"):
        pass


def test_a_store_gets_the_servers_four_metadata_keys(family: tuple[str, openai.OpenAI]) -> None:
    _, sdk = family
    store = sdk.vector_stores.create(name="kb", metadata={"team": "x"})
    assert set(store.metadata or {}) == {"team", *SERVER_METADATA_KEYS}


def test_without_its_keys_a_store_cannot_index(family: tuple[str, openai.OpenAI]) -> None:
    _, sdk = family
    store = sdk.vector_stores.create(name="kb")
    sdk.vector_stores.update(store.id, metadata={"team": "x"})
    attached = sdk.vector_stores.files.create_and_poll(file_id=_upload(sdk), vector_store_id=store.id)
    assert attached.status == "failed"


def test_missing_objects_are_400_not_found_with_bare_bodies(family: tuple[str, openai.OpenAI]) -> None:
    _, sdk = family
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.vector_stores.retrieve("vs_nope")
    assert caught.value.body == {"message": "Vector_store 'vs_nope' not found"}


def test_seventeen_metadata_keys_and_unknown_parameters_are_accepted(family: tuple[str, openai.OpenAI]) -> None:
    _, sdk = family
    metadata = {f"k{i}": "v" for i in range(17)}
    store = sdk.vector_stores.create(name="kb", metadata=metadata, extra_body={"frobnicate": True})
    assert len(store.metadata or {}) == 17 + len(SERVER_METADATA_KEYS)


def test_no_poll_hint(family: tuple[str, openai.OpenAI]) -> None:
    _, sdk = family
    raw = sdk.vector_stores.with_raw_response.create(name="kb")
    assert "openai-poll-after-ms" not in raw.headers


def test_the_connection_is_closed_after_an_error(ogx: tuple[RunningSandbox, openai.OpenAI]) -> None:
    running, _ = ogx
    url = urlsplit(running.base_url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port)
    headers = {"Authorization": "Bearer sk-test"}
    conn.request("GET", "/v1/vector_stores/vs_nope", headers=headers)
    response = conn.getresponse()
    response.read()
    assert response.status == 400 and response.getheader("connection") is None  # no warning given
    with pytest.raises((ConnectionError, http.client.HTTPException)):
        conn.request("GET", "/v1/vector_stores", headers=headers)
        conn.getresponse()
    conn.close()


def test_ogx_ignores_a_files_batch(ogx: tuple[RunningSandbox, openai.OpenAI]) -> None:
    _, sdk = ogx
    store = sdk.vector_stores.create(name="kb")
    batch = sdk.vector_stores.file_batches.create(store.id, files=[{"file_id": _upload(sdk), "attributes": {"a": "b"}}])
    assert batch.status == "in_progress" and batch.file_counts.total == 0
    assert sdk.vector_stores.file_batches.retrieve(batch.id, vector_store_id=store.id).status == "completed"
    assert sdk.vector_stores.files.list(store.id).data == []
    by_ids = sdk.vector_stores.file_batches.create_and_poll(store.id, file_ids=[_upload(sdk)])
    assert by_ids.file_counts.completed == 1


def test_ogx_lists_a_deleted_upload_in_its_store(ogx: tuple[RunningSandbox, openai.OpenAI]) -> None:
    _, sdk = ogx
    store = sdk.vector_stores.create(name="kb")
    file_id = _upload(sdk)
    sdk.vector_stores.files.create_and_poll(file_id=file_id, vector_store_id=store.id)
    sdk.files.delete(file_id)
    assert [f.status for f in sdk.vector_stores.files.list(store.id)] == ["completed"]


def test_llama_stack_refuses_a_files_batch(llama: tuple[RunningSandbox, openai.OpenAI]) -> None:
    _, sdk = llama
    store = sdk.vector_stores.create(name="kb")
    with pytest.raises(openai.BadRequestError, match="file_ids: Field required"):
        sdk.vector_stores.file_batches.create(store.id, files=[{"file_id": _upload(sdk)}])
    raw = sdk.vector_stores.file_batches.with_raw_response.create(store.id, file_ids=[_upload(sdk)])
    assert raw.http_response.json()["object"] == "vector_store.file_batch"


def test_llama_stack_reports_no_usage_and_no_reason(llama: tuple[RunningSandbox, openai.OpenAI]) -> None:
    _, sdk = llama
    store = sdk.vector_stores.create(name="kb")
    good = sdk.vector_stores.files.create_and_poll(file_id=_upload(sdk), vector_store_id=store.id)
    bad = sdk.vector_stores.files.create_and_poll(file_id=_upload(sdk, "x.exe", b"MZ"), vector_store_id=store.id)
    assert (good.status, good.usage_bytes) == ("completed", 0)
    assert (bad.status, bad.last_error) == ("failed", None)


def test_llama_stack_cursor_drops_files_of_the_same_second(llama: tuple[RunningSandbox, openai.OpenAI]) -> None:
    _, sdk = llama
    store = sdk.vector_stores.create(name="kb")
    ids = [_upload(sdk, f"{i}.md") for i in range(5)]
    sdk.vector_stores.file_batches.create_and_poll(store.id, file_ids=ids)
    listed = list(sdk.vector_stores.files.list(store.id, limit=2))
    assert len(listed) < 5
    assert sdk.vector_stores.retrieve(store.id).file_counts.total == 5


def test_expires_after_null_is_ignored_and_assistants_files_download(family: tuple[str, openai.OpenAI]) -> None:
    _, sdk = family
    store = sdk.vector_stores.create(name="kb", expires_after={"anchor": "last_active_at", "days": 3})
    updated = sdk.vector_stores.update(store.id, expires_after=None)
    assert updated.expires_after is not None and updated.expires_after.days == 3
    assert sdk.files.content(_upload(sdk)).read() == b"# hello\n"
    assert sdk.vector_stores.list(extra_query={"limit": 1, "after": store.id}).first_id is None


def test_the_llama_family_serves_no_assistants_and_no_agents(family: tuple[str, openai.OpenAI]) -> None:
    """Neither real server has them, so a client tried against the profile meets the same 404s."""
    _, sdk = family
    with pytest.raises(openai.NotFoundError):
        sdk.beta.assistants.list()
    with pytest.raises(openai.NotFoundError):
        sdk.beta.agents.list()
    assert sdk.vector_stores.list().data == []  # what they do serve still answers


@pytest.mark.parametrize(("profile", "searched"), [("openai", "returns"), ("llama-stack", "shipping"),
                                                   ("ogx", "shipping")])
def test_search_filters_on_the_attributes_a_file_was_attached_with_on_the_llama_family(
        profile: str, searched: str) -> None:
    """As probed on llama-stack 0.7.3 and ogx 1.5.0: an update shows in the file list, never in search."""
    with _serve(profile) as (_, sdk):
        file_id = _upload(sdk, data=b"# Shipping\nThe warranty is long.\n")
        store = sdk.vector_stores.create(name="s")
        sdk.vector_stores.files.create(vector_store_id=store.id, file_id=file_id,
                                       attributes={"topic": "shipping", "year": 2024})
        updated = sdk.vector_stores.files.update(file_id, vector_store_id=store.id,
                                                 attributes={"topic": "returns", "year": 2025})
        assert updated.attributes == {"topic": "returns", "year": 2025}
        found = {topic: len(sdk.vector_stores.search(store.id, query="warranty",
                                                     filters={"type": "eq", "key": "topic", "value": topic}).data)
                 for topic in ("shipping", "returns")}
        assert found == {"shipping": int(searched == "shipping"), "returns": int(searched == "returns")}
        [hit] = sdk.vector_stores.search(store.id, query="warranty").data
        assert hit.attributes["topic"] == searched

"""Reading live state from a real sandbox over HTTP: pages not objects, ownership, the sunset."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openai
import pytest

from aac.api.connect import Api, connect
from aac.api.reader import Reader
from aac.desired import require_valid
from aac.errors import AacError
from aac.identity import hash_files, tags, upload_filename
from aac.live import read_live
from aac.output import Output
from aac.plan.diff import diff
from aac.resources import ASSISTANT, LiveVectorStore
from aac.sandbox.server import RunningSandbox, serve_in_background
from aac.stack import Stack, Target, load_stack
from plan_helpers import apply_with_sdk

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")  # beta.assistants, by design


@contextmanager
def api_for(sandbox: RunningSandbox | str, root: Path = REPO) -> Iterator[Api]:
    base_url = sandbox if isinstance(sandbox, str) else sandbox.base_url
    stack = Stack(root=root, name="demo", manifests="assistants", default_target="t", targets={})
    target = Target(name="t", type="openai", base_url=base_url, api_key_env="AAC_TEST_KEY")
    with connect(stack, target, {"AAC_TEST_KEY": "sk-test"}, Output()) as api:
        yield api


def example_stack(tmp_path: Path) -> Stack:
    for name in ("aac.yaml", "assistants", "schemas", "data", "knowledge"):
        source = REPO / name
        if source.is_dir():
            # The agent and vault are left out: apply_with_sdk writes what the Assistants-era kinds hold, and
            # a plan right after apply is empty for agents is tests/test_agents_cli.py's and the property test's.
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("agents"))
        else:
            shutil.copy(source, tmp_path / name)
    return load_stack(tmp_path)


def test_the_reader_cannot_write() -> None:
    public = {name for name in dir(Reader) if not name.startswith("_")}
    # `search` is a POST, but one that changes nothing (retrieval checks); a foundry target's agents are lists.
    assert public == {"assistants", "vector_stores", "vector_store_files", "files", "search", "requests", "base_url",
                      "reserved_metadata", "note", "list_all", "prompt_agents", "agent_versions"}


def test_a_plan_right_after_writing_the_example_stack_through_the_sdk_is_empty(
        tmp_path: Path, sandbox: RunningSandbox, client: openai.OpenAI) -> None:
    stack = example_stack(tmp_path)
    desired = require_valid(stack, Output())
    hashes = hash_files(desired.files, tmp_path / ".aac" / "hashes.json")
    apply_with_sdk(client, desired, hashes)
    with api_for(sandbox, tmp_path) as api:
        live = read_live(api.reader(), "demo")
    plan = diff(desired, hashes, live, target="t", now="2026-11-22T10:00:00Z")
    assert [c.address for c in plan.actionable] == []
    assert plan.summary["no-op"] == len(plan.changes) == 13
    assert plan.cost.storage_bytes_before == plan.cost.storage_bytes_after > 0


def test_reading_costs_pages_not_objects(sandbox: RunningSandbox, client: openai.OpenAI) -> None:
    for i in range(105):  # two pages of vector stores; only the three of this stack are listed inside
        metadata = tags("demo", f"kb{i}", "sha256:0") if i < 3 else {}
        client.vector_stores.create(name=f"kb{i}", metadata=metadata)
    upload = client.files.create(file=(upload_filename("demo", "c" * 64, "a.md"), b"# a"), purpose="assistants")
    client.files.create(file=("someone-elses.md", b"# b"), purpose="assistants")
    with api_for(sandbox) as api:
        live = read_live(api.reader(), "demo")
    # 1 page of assistants + 2 pages of vector stores + 1 page of files + 1 of agents + 1 of vaults
    # + 1 of environment templates + 1 page per owned store
    assert live.requests == 1 + 2 + 1 + 1 + 1 + 1 + 3
    assert sorted(live.vector_stores) == ["kb0", "kb1", "kb2"]
    assert list(live.files) == [upload.id] and live.files[upload.id].sha256 == "c" * 64
    assert live.foreign == {"assistants": 0, "vector_stores": 102, "agents": 0, "vaults": 0, "environment_templates": 0,
                            "files": 1}


def test_a_target_without_the_assistants_api_reads_as_unsupported_not_an_error() -> None:
    with serve_in_background(":memory:", no_assistants=True) as sandbox, api_for(sandbox) as api:
        live = read_live(api.reader(), "demo")
    assert live.unavailable == {ASSISTANT} and live.assistants == {}


def test_an_unreachable_target_is_one_clear_error() -> None:
    with serve_in_background(":memory:") as sandbox:
        base_url = sandbox.base_url
    with api_for(base_url) as api, pytest.raises(AacError) as raised:
        read_live(api.reader(), "demo")
    assert raised.value.message.startswith(f"cannot reach {base_url}")
    assert "base_url" in (raised.value.hint or "")


def _store_of(client: openai.OpenAI, files: int) -> str:
    """A store of this stack with `files` attachments, all attached in one call (one created_at second or two)."""
    store = client.vector_stores.create(name="kb", metadata=tags("demo", "kb", "sha256:0"))
    ids = [client.files.create(file=(f"{i}.md", b"x"), purpose="assistants").id for i in range(files)]
    client.vector_stores.file_batches.create_and_poll(store.id, file_ids=ids)
    return store.id


def _live_store_of(files: int) -> LiveVectorStore:
    """Read back, as the planner does, a store of `files` attachments on a llama-stack-like server."""
    with serve_in_background(":memory:", index_delay_ms=0, profile="llama-stack") as sandbox, \
            openai.OpenAI(base_url=sandbox.base_url, api_key="sk-test", max_retries=2) as client, \
            api_for(sandbox) as api:
        _store_of(client, files)
        return read_live(api.reader(), "demo").vector_stores["kb"]


def test_a_cursor_that_drops_files_is_read_again_the_other_way_and_merged() -> None:
    store = _live_store_of(101)
    assert len(store.files) == 101 and store.unread == 0


def test_a_listing_short_of_the_stores_own_count_is_an_incomplete_read() -> None:
    store = _live_store_of(250)
    assert len(store.files) < 250 and store.unread == 250 - len(store.files)

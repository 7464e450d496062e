"""The storage figure of a plan over stores whose files are uploads attached by id (imported, or named by
hand): the store's own usage when it is live, an estimate from the uploads' sizes when it is not."""

from __future__ import annotations

import openai
import pytest
from tests.cli_harness import Cli

from aac.output import human_bytes

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK marks beta.assistants

FAQ = b"# FAQ\n" + b"Widgets ship within three business days of the order.\n" * 120
REFUNDS = b"# Refunds\n" + b"A widget returned within 30 days is refunded in full.\n" * 300
STATIC = {"type": "static", "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 50}}


def _upload(client: openai.OpenAI, name: str, body: bytes) -> str:
    return client.files.create(file=(name, body), purpose="assistants").id


def _usage(client: openai.OpenAI, store_id: str) -> int:
    return client.vector_stores.retrieve(store_id).usage_bytes


def _storage(aac: Cli) -> tuple[int, int]:
    result = aac("plan", "--format", "json")
    assert result.code == 0, result.err
    cost = result.json()["cost"]
    return cost["storage_bytes_before"], cost["storage_bytes_after"]


@pytest.mark.parametrize(("files", "chunking"), [
    ({"faq.md": FAQ}, None),
    ({"faq.md": FAQ, "refunds.md": REFUNDS}, None),
    ({"refunds.md": REFUNDS}, STATIC),
], ids=["one file", "two files", "static chunking"])
def test_the_import_plan_shows_the_stores_own_usage(aac: Cli, client: openai.OpenAI, files: dict[str, bytes],
                                                    chunking: dict[str, object] | None) -> None:
    ids = [_upload(client, name, body) for name, body in files.items()]
    extra = {"chunking_strategy": chunking} if chunking else {}
    store = client.vector_stores.create(name="kb", file_ids=ids, **extra)  # type: ignore[arg-type]
    usage = _usage(client, store.id)
    assert usage > 0

    result = aac("import", "--all", "--auto-approve")

    assert result.code == 0, result.err
    assert f"Vector storage: {human_bytes(usage)} ($0.00/day), unchanged." in result.out
    assert _storage(aac) == (usage, usage)


def test_importing_one_store_by_id_shows_its_usage(aac: Cli, client: openai.OpenAI) -> None:
    store = client.vector_stores.create(name="kb", file_ids=[_upload(client, "faq.md", FAQ)])
    client.vector_stores.create(name="other", file_ids=[_upload(client, "refunds.md", REFUNDS)])
    usage = _usage(client, store.id)

    result = aac("import", store.id, "--auto-approve")

    assert result.code == 0, result.err
    assert f"Vector storage: {human_bytes(usage)} ($0.00/day), unchanged." in result.out


def test_a_new_store_of_uploads_attached_by_id_is_estimated_from_their_sizes(aac: Cli, client: openai.OpenAI) -> None:
    ids = [_upload(client, "faq.md", FAQ), _upload(client, "refunds.md", REFUNDS)]
    (aac.root / "assistants/kb.yaml").write_text(f"kind: vector_store\nname: kb\nfile_ids: [{', '.join(ids)}]\n",
                                                 encoding="utf-8")

    before, after = _storage(aac)
    assert aac("apply", "--auto-approve").code == 0

    live = sum(store.usage_bytes for store in client.vector_stores.list())
    assert before == 0 and live > 0
    assert after == pytest.approx(live, rel=0.10)
    assert _storage(aac) == (live, live)


def test_an_upload_added_by_id_to_an_adopted_store_grows_the_estimate(aac: Cli, client: openai.OpenAI) -> None:
    store = client.vector_stores.create(name="kb", file_ids=[_upload(client, "faq.md", FAQ)])
    assert aac("import", "--all", "--auto-approve").code == 0
    added = _upload(client, "refunds.md", REFUNDS)
    manifest = aac.root / "assistants/imported/kb.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("file_ids:\n", f"file_ids:\n- {added}\n"), encoding="utf-8")

    first = _usage(client, store.id)
    before, after = _storage(aac)
    assert aac("apply", "--auto-approve").code == 0

    assert before == first and after > before
    assert after == pytest.approx(_usage(client, store.id), rel=0.10)

"""The whole lifecycle against the sandbox answering as each server aac was tried on does."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import openai
import pytest
from tests.cli_harness import Cli

from aac.sandbox.profiles import PROFILES, SERVER_METADATA_KEYS
from aac.sandbox.server import RunningSandbox, serve_in_background

from .helpers import KEY_ENV

STACK = "compat"
MANIFESTS = """\
kind: vector_store
name: contact
files: [../docs/contact/*]
metadata: {team: support}
---
kind: vector_store
name: policies
files: [../docs/policies/*]
expires_after: {anchor: last_active_at, days: 30}
"""
DOCS = {
    "contact/phone.md": "# Phone\nCall us on weekdays.\n",
    "contact/email.txt": "Write to help@example.com.\n",
    "policies/refunds.md": "# Refunds\nWithin 30 days.\n",
    "policies/privacy.md": "# Privacy\nWe keep little.\n",
    "policies/terms.md": "# Terms\nBe kind.\n",
}


def write_stack(root: Path, base_url: str) -> Path:
    (root / "assistants").mkdir(parents=True)
    (root / "assistants/stores.yaml").write_text(MANIFESTS, encoding="utf-8")
    for path, text in DOCS.items():
        (root / "docs" / path).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / path).write_text(text, encoding="utf-8")
    (root / "aac.yaml").write_text(
        f"stack: {STACK}\ndefault_target: test\n"
        f"targets:\n  test: {{type: openai, base_url: '{base_url}', api_key_env: {KEY_ENV}}}\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture(params=["openai", "llama-stack", "ogx"])
def server(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    with serve_in_background(":memory:", index_delay_ms=0, no_assistants=True, profile=request.param) as running:
        yield running


@pytest.fixture
def client(server: RunningSandbox) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=server.base_url, api_key="sk-test") as sdk:
        yield sdk


@pytest.fixture
def aac(tmp_path: Path, server: RunningSandbox, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    return Cli(write_stack(tmp_path / "stack", server.base_url), capsys)


def _attached(client: openai.OpenAI) -> dict[str, set[str]]:
    """Store key -> the names of the uploads the server lists in it."""
    names = {f.id: f.filename.split(".", 3)[-1] for f in client.files.list()}
    return {
        str((s.metadata or {})["aac-key"]): {names.get(f.id, f.id) for f in client.vector_stores.files.list(s.id)}
        for s in client.vector_stores.list()
    }


def test_the_lifecycle_works_on_every_profile(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("validate").code == 0
    applied = aac("apply", "--auto-approve")
    assert applied.code == 0, applied.err
    assert _attached(client) == {"contact": {"phone.md", "email.txt"},
                                 "policies": {"refunds.md", "privacy.md", "terms.md"}}
    again = aac("plan", "--detailed-exitcode")
    assert again.code == 0, again.out
    assert aac("drift").code == 0
    [contact] = [s for s in client.vector_stores.list() if (s.metadata or {}).get("aac-key") == "contact"]
    by_hand = client.files.create(file=("extra.md", b"# Extra\n"), purpose="assistants")
    client.vector_stores.files.create_and_poll(file_id=by_hand.id, vector_store_id=contact.id)
    assert aac("drift").code == 2
    client.vector_stores.files.delete(by_hand.id, vector_store_id=contact.id)
    client.files.delete(by_hand.id)

    (aac.root / "docs/policies/terms.md").write_text("# Terms\nBe very kind.\n", encoding="utf-8")
    changed = aac("apply", "--auto-approve")
    assert changed.code == 0, changed.err
    assert aac("plan", "--detailed-exitcode").code == 0
    (aac.root / "docs/contact/phone.md").rename(aac.root / "docs/contact/telephone.md")  # same bytes, new path
    moved = aac("apply", "--auto-approve")
    assert moved.code == 0, moved.err
    assert aac("plan", "--detailed-exitcode").code == 0

    output = aac("output").json()
    assert {k: v["id"] for k, v in output["vector_stores"].items()} == {
        str((s.metadata or {})["aac-key"]): s.id for s in client.vector_stores.list()}
    assert aac("destroy", "--auto-approve").code == 0
    assert not client.vector_stores.list().data


LLAMA_FAMILY = pytest.mark.parametrize("server", ["llama-stack", "ogx"], indirect=True)


@LLAMA_FAMILY
def test_server_metadata_is_never_a_change_nor_drift_and_is_kept(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    manifests = aac.root / "assistants/stores.yaml"
    manifests.write_text(MANIFESTS.replace("team: support", "team: sales"), encoding="utf-8")
    assert aac("apply", "--auto-approve").code == 0
    assert aac("plan", "--detailed-exitcode").code == 0
    assert aac("drift").code == 0
    for store in client.vector_stores.list():
        assert set(SERVER_METADATA_KEYS) <= set(store.metadata or {})


@LLAMA_FAMILY
def test_import_leaves_the_servers_metadata_to_the_server(aac: Cli, client: openai.OpenAI) -> None:
    (aac.root / "assistants/stores.yaml").unlink()
    config = aac.root / "aac.yaml"
    config.write_text(config.read_text().replace("api_key_env", "reserved_metadata: [region], api_key_env"))
    made = client.vector_stores.create(name="Hand Made", metadata={"team": "ops", "region": "eu"})

    imported = aac("import", "--all", "--auto-approve")

    assert imported.code == 0, imported.err
    written = (aac.root / "assistants/imported/hand-made.yaml").read_text()
    assert "team: ops" in written and not any(key in written for key in (*SERVER_METADATA_KEYS, "region"))
    metadata = client.vector_stores.retrieve(made.id).metadata or {}
    assert {*SERVER_METADATA_KEYS, "region"} <= set(metadata) and metadata["aac-stack"] == STACK
    assert aac("plan", "--detailed-exitcode").code == 0


def test_reserved_metadata_of_a_target_is_the_servers(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    for store in client.vector_stores.list():
        client.vector_stores.update(store.id, metadata={**(store.metadata or {}), "region": "eu"})
    assert aac("plan", "--detailed-exitcode").code == 2
    config = aac.root / "aac.yaml"
    config.write_text(config.read_text().replace("api_key_env", "reserved_metadata: [region], api_key_env"))
    assert aac("plan", "--detailed-exitcode").code == 0
    assert aac("drift").code == 0


def test_debug_says_what_was_detected(aac: Cli, server: RunningSandbox) -> None:
    applied = aac("--debug", "apply", "--auto-approve")
    assert applied.code == 0, applied.err
    refused = "refused with HTTP 400 (body.file_ids: Field required) for a `files` file batch"
    ignored = "answered `in_progress` with file_counts.total 0, attaching nothing for a `files` file batch"
    said = {"openai": None, "llama-stack": refused, "ogx": ignored}[server.store.profile.name]
    assert (said is None and "detected: the server" not in applied.err) or (said and said in applied.err)
    if server.store.profile.server_metadata:
        assert "detected: the server added metadata ['embedding_dimension', 'embedding_model'" in applied.err


def test_a_server_that_accepts_a_batch_and_attaches_nothing_fails_the_apply(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    liar = replace(PROFILES["openai"], name="liar", files_batch="drop")
    with serve_in_background(":memory:", index_delay_ms=0, profile=liar) as running:
        aac = Cli(write_stack(tmp_path / "stack", running.base_url), capsys)

        applied = aac("apply", "--auto-approve")

        assert applied.code == 1
        assert "failed    vector_store_file.contact/docs/contact/email.txt: vector_store.contact: the server " \
               "accepted 2 files but its file list holds 0 of them; missing docs/contact/email.txt, " \
               "docs/contact/phone.md" in applied.out
        assert "Apply complete" not in applied.out
        assert aac("plan", "--detailed-exitcode").code == 2


@LLAMA_FAMILY
def test_a_field_the_server_does_not_take_fails_the_apply_naming_it(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    manifests = aac.root / "assistants/stores.yaml"
    manifests.write_text(MANIFESTS.replace("expires_after: {anchor: last_active_at, days: 30}\n", ""))

    applied = aac("apply", "--auto-approve")

    assert applied.code == 1
    assert ('failed    vector_store.policies: the server\'s answer after apply does not match what aac sent: '
            'expires_after: sent null, the server returned {"anchor": "last_active_at", "days": 30}') in applied.out


@pytest.mark.parametrize("server", ["llama-stack"], indirect=True)
def test_a_file_that_failed_without_a_reason_says_so(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    for store in client.vector_stores.list():  # someone strips the server's keys: it can no longer index
        kept = {k: v for k, v in (store.metadata or {}).items() if k not in SERVER_METADATA_KEYS}
        client.vector_stores.update(store.id, metadata=kept)
    (aac.root / "docs/contact/hours.md").write_text("# Hours\n9 to 5.\n", encoding="utf-8")

    applied = aac("apply", "--auto-approve")

    assert applied.code == 1
    assert ("failed    vector_store_file.contact/docs/contact/hours.md: the API could not index "
            "docs/contact/hours.md: failed, and the server gave no reason (last_error is null)") in applied.out


@LLAMA_FAMILY
def test_the_example_stack_applies_with_its_assistants_as_configuration(
        server: RunningSandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from .helpers import write_stack as write_example

    monkeypatch.setenv(KEY_ENV, "sk-test")
    aac = Cli(write_example(tmp_path / "example", server.base_url), capsys)
    refused = aac("apply", "--auto-approve")  # its agent and vault need the Agents API, which these lack
    assert refused.code == 1 and "has no Agents API" in refused.err
    shutil.rmtree(aac.root / "assistants/agents")
    applied = aac("apply", "--auto-approve")
    assert applied.code == 0, applied.err
    assert aac("plan", "--detailed-exitcode").code == 0
    assert aac("output", "--format", "responses").code == 0
    assert aac("destroy", "--auto-approve").code == 0


def test_metadata_a_server_adds_that_aac_does_not_know_is_recorded_as_the_servers(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "sk-test")
    unknown = replace(PROFILES["ogx"], name="ogx-next", extra_metadata=("shard",))
    with serve_in_background(":memory:", index_delay_ms=0, no_assistants=True, profile=unknown) as running, \
            openai.OpenAI(base_url=running.base_url, api_key="sk-test") as client:
        aac = Cli(write_stack(tmp_path / "stack", running.base_url), capsys)

        applied = aac("--debug", "apply", "--auto-approve")

        assert applied.code == 0, applied.err
        assert "recording ['shard'] as the server's in vector_store.contact's `aac-server-keys` tag" in applied.err
        assert aac("plan", "--detailed-exitcode").code == 0  # a later run knows it: no reserved_metadata needed
        assert aac("drift").code == 0
        manifests = aac.root / "assistants/stores.yaml"
        manifests.write_text(MANIFESTS.replace("team: support", "team: sales"), encoding="utf-8")
        assert aac("apply", "--auto-approve").code == 0
        for store in client.vector_stores.list():
            assert (store.metadata or {})["shard"] == "sandbox"


@pytest.mark.parametrize("server", ["llama-stack"], indirect=True)
def test_an_upload_a_foreign_store_holds_is_kept_though_the_cursor_drops_it(aac: Cli, client: openai.OpenAI) -> None:
    """The foreign store lists 101 files in one second; its oldest, the stack's upload, is past the lossy cursor."""
    assert aac("apply", "--auto-approve").code == 0
    [terms] = [f.id for f in client.files.list() if f.filename.endswith("terms.md")]
    others = [client.files.create(file=(f"{i}.md", b"x"), purpose="assistants").id for i in range(100)]
    foreign = client.vector_stores.create(name="someone else's")
    client.vector_stores.file_batches.create_and_poll(foreign.id, file_ids=[terms, *others])
    (aac.root / "docs/policies/terms.md").unlink()

    applied = aac("apply", "--auto-approve")

    assert applied.code == 0, applied.err
    assert f"is used by vector store {foreign.id}, which this stack does not own" in applied.out
    assert client.files.retrieve(terms).id == terms


@pytest.mark.parametrize("server", ["llama-stack"], indirect=True)
def test_no_upload_is_deleted_while_a_foreign_store_cannot_be_read_whole(aac: Cli, client: openai.OpenAI) -> None:
    """201 files of one second: newest-first and oldest-first listings each stop at 100, and the stack's upload,
    in the middle, is in neither. aac cannot prove the store does not hold it, so it keeps it and says why."""
    assert aac("apply", "--auto-approve").code == 0
    [terms] = [f.id for f in client.files.list() if f.filename.endswith("terms.md")]
    others = [client.files.create(file=(f"{i}.md", b"x"), purpose="assistants").id for i in range(200)]
    foreign = client.vector_stores.create(name="someone else's")
    client.vector_stores.file_batches.create_and_poll(foreign.id, file_ids=[*others[:100], terms, *others[100:]])
    (aac.root / "docs/policies/terms.md").unlink()

    applied = aac("apply", "--auto-approve")

    assert applied.code == 0, applied.err
    assert f"may be used by vector store {foreign.id}, which this stack does not own" in applied.out + applied.err
    assert client.files.retrieve(terms).id == terms

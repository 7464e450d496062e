"""aac apply through the CLI against the sandbox: what a user relies on after each command."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openai
import pytest
from tests.cli_harness import Cli, hinted_commands

from .helpers import assert_converged, owned

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK marks beta.assistants


def test_example_stack_applies_from_empty_and_then_plans_no_changes(aac: Cli, client: openai.OpenAI) -> None:
    result = aac("apply", "--auto-approve")
    assert result.code == 0, result.err
    assert "Apply complete: 16 created, 0 updated, 0 replaced, 0 deleted." in result.out
    assert "indexed vector_store.support-kb: 4 of 4 files" in result.err
    state = assert_converged(client)
    support = state.assistants["customer-support"][0]
    assert support.tool_resources.file_search.vector_store_ids == [state.stores["support-kb"][0].id]
    assert sorted(state.code_files) == [state.uploads[_sha(aac.root / "data/quadratics.csv")][0].id]
    store = state.stores["support-kb"][0]
    assert client.vector_stores.retrieve(store.id).file_counts.completed == 4
    assert aac("plan", "--detailed-exitcode").code == 0


def test_changed_bytes_upload_once_attach_then_detach_and_delete_the_old(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    before = owned(client)
    faq = aac.root / "knowledge/faq.md"
    old_id = before.uploads[_sha(faq)][0].id
    faq.write_text(faq.read_text() + "\nQ: Do you ship to the moon?\nA: Not yet.\n")

    result = aac("apply", "--auto-approve")

    assert result.code == 0, result.err
    assert "Apply complete: 2 created, 0 updated, 0 replaced, 2 deleted." in result.out
    after = assert_converged(client)
    new_id = after.uploads[_sha(faq)][0].id
    assert new_id != old_id
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve(old_id)
    assert new_id in after.attached["support-kb"] and old_id not in after.attached["support-kb"]
    unchanged = {sha: ups[0].id for sha, ups in before.uploads.items() if ups[0].id != old_id}
    assert {sha: after.uploads[sha][0].id for sha in unchanged} == unchanged  # nothing else re-uploaded
    assert after.stores["support-kb"][0].id == before.stores["support-kb"][0].id
    assert aac("plan", "--detailed-exitcode").code == 0


def test_removing_a_manifest_deletes_its_objects_and_its_unused_uploads(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    (aac.root / "assistants/math-tutor.yaml").unlink()

    result = aac("apply", "--auto-approve")

    assert result.code == 0, result.err
    assert "deleted   assistant.math-tutor" in result.out
    state = assert_converged(client, assistants=2, uploads=4)
    assert "math-tutor" not in state.assistants
    assert aac("plan", "--detailed-exitcode").code == 0


def test_objects_the_stack_does_not_own_survive_apply_and_destroy(aac: Cli, client: openai.OpenAI) -> None:
    mine = client.beta.assistants.create(model="gpt-4o", name="hand made", metadata={"team": "x"})
    upload = client.files.create(file=("notes.md", b"# mine"), purpose="assistants")
    assert aac("apply", "--auto-approve").code == 0

    result = aac("destroy", "--auto-approve")

    assert result.code == 0, result.err
    assert client.beta.assistants.retrieve(mine.id).name == "hand made"
    assert client.files.retrieve(upload.id).filename == "notes.md"
    state = owned(client)
    assert not state.assistants and not state.stores and not state.uploads
    assert [a.id for a in state.hand_made] == [mine.id]


def test_a_protected_assistant_survives_destroy_with_its_files(aac: Cli, client: openai.OpenAI) -> None:
    manifest = aac.root / "assistants/math-tutor.yaml"
    manifest.write_text(manifest.read_text() + "protect: true\n")
    assert aac("apply", "--auto-approve").code == 0

    result = aac("destroy", "--auto-approve")

    assert result.code == 0, result.err
    state = owned(client)
    assert list(state.assistants) == ["math-tutor"] and not state.stores
    assert list(state.uploads) == [_sha(aac.root / "data/quadratics.csv")]  # its code-interpreter file stays
    assert "protected" in result.err + result.out


def test_a_saved_plan_applies_exactly(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("plan", "--out", "plan.json").code == 0
    result = aac("apply", "plan.json")
    assert result.code == 0, result.err
    assert "Apply complete: 16 created" in result.out
    assert_converged(client)
    assert aac("plan", "--detailed-exitcode").code == 0


def test_a_saved_plan_is_refused_when_the_manifests_changed(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("plan", "--out", "plan.json").code == 0
    manifest = aac.root / "assistants/weather-bot.yaml"
    manifest.write_text(manifest.read_text().replace("Weather Bot", "Weather Robot"))

    result = aac("apply", "plan.json")

    assert result.code == 1
    assert "stale: the manifests changed since it was made" in result.err
    assert not owned(client).assistants  # nothing was applied


def test_a_saved_plan_is_refused_when_a_live_object_it_touches_changed(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    manifest = aac.root / "assistants/weather-bot.yaml"
    manifest.write_text(manifest.read_text().replace("Weather Bot", "Weather Robot"))
    assert aac("plan", "--out", "plan.json").code == 0
    bot = owned(client).assistants["weather-bot"][0]
    client.beta.assistants.update(bot.id, instructions="edited by hand")

    result = aac("apply", "plan.json")

    assert result.code == 1
    assert f"stale: assistant.weather-bot ({bot.id}) changed on the target" in result.err
    assert client.beta.assistants.retrieve(bot.id).name == "Weather Bot"


def test_apply_without_approval_outside_a_terminal_refuses_before_any_write(aac: Cli, client: openai.OpenAI) -> None:
    result = aac("apply")
    assert result.code == 1
    assert "not an interactive terminal" in result.err and "--auto-approve" in result.err
    assert client.vector_stores.list().data == [] and client.files.list().data == []


def test_a_file_the_api_cannot_index_fails_with_its_path_and_the_rest_still_applies(
    aac: Cli, client: openai.OpenAI
) -> None:
    # An empty local file is refused by validate; an empty upload attached by id is only found out by the API.
    empty = client.files.create(file=("empty.md", b""), purpose="assistants")
    manifest = aac.root / "assistants/support/customer-support.yaml"
    original = manifest.read_text(encoding="utf-8")
    manifest.write_text(original.replace("chunking_strategy:", f"file_ids: [{empty.id}]\nchunking_strategy:", 1),
                        encoding="utf-8")

    result = aac("apply", "--auto-approve")

    assert result.code == 1
    line = f"failed    vector_store_file.support-kb/{empty.id}: the API could not index {empty.id}: "
    assert line + "The file is empty and cannot be indexed." in result.out
    assert "skipped   assistant.customer-support: it needs vector_store_file.support-kb" in result.out
    assert "created   assistant.math-tutor" in result.out and "created   assistant.weather-bot" in result.out
    assert "Apply incomplete:" in result.out and "error: 1 change failed, 1 skipped" in result.err

    [again] = hinted_commands(result.err)  # the hint's command, pasted after the fix, finishes the job
    manifest.write_text(original, encoding="utf-8")
    assert aac.paste(again).code == 0
    assert_converged(client)
    assert aac("plan", "--detailed-exitcode").code == 0


def test_a_rebuilt_store_is_indexed_before_assistants_move_to_it_and_the_old_one_goes(
    aac: Cli, client: openai.OpenAI
) -> None:
    assert aac("apply", "--auto-approve").code == 0
    old = owned(client).stores["support-kb"][0].id
    manifest = aac.root / "assistants/support/customer-support.yaml"
    manifest.write_text(manifest.read_text().replace("max_chunk_size_tokens: 800", "max_chunk_size_tokens: 1000"))

    result = aac("apply", "--auto-approve")

    assert result.code == 0, result.err
    assert "replaced  vector_store.support-kb" in result.out
    state = assert_converged(client)
    new = state.stores["support-kb"][0].id
    assert new != old and len(state.attached["support-kb"]) == 4
    assert state.assistants["customer-support"][0].tool_resources.file_search.vector_store_ids == [new]
    with pytest.raises(openai.NotFoundError):
        client.vector_stores.retrieve(old)
    assert aac("plan", "--detailed-exitcode").code == 0


def test_a_protected_store_is_never_rebuilt(aac: Cli, client: openai.OpenAI) -> None:
    manifest = aac.root / "assistants/support/customer-support.yaml"
    manifest.write_text(manifest.read_text().replace("metadata:\n  team: support\n---", "protect: true\n"
                                                     "metadata:\n  team: support\n---"))
    assert aac("apply", "--auto-approve").code == 0
    before = owned(client).stores["support-kb"][0].id
    manifest.write_text(manifest.read_text().replace("max_chunk_size_tokens: 800", "max_chunk_size_tokens: 1000"))

    reason = "it is protected (protect: true), and a replace deletes the old vector store"
    plan = aac("plan", "--detailed-exitcode", "--out", "plan.json")
    assert plan.code == 1
    assert f"  # REFUSED: {reason}" in plan.out and "apply will not run this plan" in plan.out
    assert f"error: the plan cannot be applied: vector_store.support-kb: {reason}" in plan.err
    assert not (aac.root / "plan.json").exists()  # a plan apply would refuse is not saved
    markdown = aac("plan", "--format", "markdown")
    assert markdown.code == 1 and "replace (**refused**)" in markdown.out
    document = aac("plan", "--format", "json")
    assert document.code == 1 and document.json()["applyable"] is False
    [refused] = [c for c in document.json()["changes"] if c.get("refused")]
    assert (refused["address"], refused["refused"]) == ("vector_store.support-kb", reason)

    result = aac("apply", "--auto-approve")

    assert result.code == 1
    assert f"error: the plan cannot be applied: vector_store.support-kb: {reason}" in result.err
    assert "Apply" not in result.out  # refused before any step ran
    state = owned(client)
    assert [s.id for s in state.stores["support-kb"]] == [before] and len(state.stores) == 1
    assert state.assistants["customer-support"][0].tool_resources.file_search.vector_store_ids == [before]


def test_a_store_left_retagged_by_a_crash_mid_replace_is_deleted_by_the_next_apply(
    aac: Cli, client: openai.OpenAI
) -> None:
    assert aac("apply", "--auto-approve").code == 0
    store = owned(client).stores["support-kb"][0]
    # What apply's first step of a replace leaves if the process dies right after it.
    client.vector_stores.update(store.id, metadata={**store.metadata, "aac-key": "support-kb~replaced"})

    result = aac("apply", "--auto-approve")

    assert result.code == 0, result.err
    assert "deleted   vector_store.support-kb~replaced" in result.out
    state = assert_converged(client)
    assert state.stores["support-kb"][0].id != store.id
    assert aac("plan", "--detailed-exitcode").code == 0


def test_uploads_named_by_id_are_attached_as_they_are_and_never_deleted(aac: Cli, client: openai.OpenAI) -> None:
    theirs = client.files.create(file=("handbook.md", b"# Handbook\n\nBe kind.\n"), purpose="assistants")
    (aac.root / "assistants/handbook.yaml").write_text(
        f"kind: vector_store\nname: handbook\nfile_ids: [{theirs.id}]\n")
    manifest = aac.root / "assistants/math-tutor.yaml"
    files = "  code_interpreter: [../data/*.csv]"
    manifest.write_text(manifest.read_text().replace(files, f"{files}\n  code_interpreter_ids: [{theirs.id}]"))

    assert aac("apply", "--auto-approve").code == 0
    state = owned(client)
    assert state.attached["handbook"] == [theirs.id]
    assert theirs.id in state.code_files
    assert aac("plan", "--detailed-exitcode").code == 0

    assert aac("destroy", "--auto-approve").code == 0
    assert client.files.retrieve(theirs.id).filename == "handbook.md"  # not ours to delete


def test_fields_dropped_from_a_manifest_are_cleared_on_the_live_object(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    manifest = aac.root / "assistants/math-tutor.yaml"
    manifest.write_text(manifest.read_text().replace("temperature: 0.2\nmetadata:\n  team: education\n", ""))

    result = aac("apply", "--auto-approve")

    assert result.code == 0, result.err
    assert "Apply complete: 0 created, 1 updated" in result.out
    tutor = owned(client).assistants["math-tutor"][0]
    assert "team" not in tutor.metadata and tutor.temperature in (None, 1)
    assert aac("plan", "--detailed-exitcode").code == 0


def test_with_the_same_bytes_uploaded_twice_new_attachments_use_the_copy_the_plan_keeps(
    aac: Cli, client: openai.OpenAI
) -> None:
    assert aac("apply", "--auto-approve").code == 0
    state = owned(client)
    faq = aac.root / "knowledge/faq.md"
    older = state.uploads[_sha(faq)][0]
    store = state.stores["support-kb"][0]
    # A second copy (as a crashed or concurrent apply can leave) now serves the store; the first is unused.
    newer = client.files.create(file=(older.filename, faq.read_bytes()), purpose="assistants")
    attributes = client.vector_stores.files.retrieve(older.id, vector_store_id=store.id).attributes
    client.vector_stores.files.create(store.id, file_id=newer.id, attributes=attributes)
    client.vector_stores.files.delete(older.id, vector_store_id=store.id)
    (aac.root / "assistants/faq-kb.yaml").write_text("kind: vector_store\nname: faq-kb\nfiles: [../knowledge/faq.md]\n")

    result = aac("apply", "--auto-approve")

    assert result.code == 0, result.err
    after = owned(client)
    assert [u.id for u in after.uploads[_sha(faq)]] == [newer.id]  # the unused copy is deleted
    assert after.attached["faq-kb"] == [newer.id]
    assert aac("plan", "--detailed-exitcode").code == 0


def test_output_maps_keys_to_live_ids(aac: Cli, client: openai.OpenAI) -> None:
    import json

    before = aac("output")
    assert before.code == 0 and before.json()["assistants"] == {}
    assert ("warning: not on target test yet, so without an id here: agent.weather-agent, "
            "assistant.customer-support, assistant.math-tutor, assistant.weather-bot, credential.github/github-mcp, "
            "vault.github, vector_store.support-kb; run `aac") in before.err
    assert aac("apply", "--auto-approve").code == 0
    state = owned(client)
    result = aac("output")
    data = json.loads(result.out)
    store_id = state.stores["support-kb"][0].id
    assert data["vector_stores"] == {"support-kb": {"id": store_id}}
    assert data["assistants"]["customer-support"] == {
        "id": state.assistants["customer-support"][0].id, "vector_store_ids": [store_id]}
    assert data["files"]["data/quadratics.csv"] == state.uploads[_sha(aac.root / "data/quadratics.csv")][0].id
    assert "warning" not in result.err
    env = aac("output", "--format", "env").out.splitlines()
    assert f"AAC_VECTOR_STORE_SUPPORT_KB_ID={store_id}" in env
    assert f"AAC_ASSISTANT_MATH_TUTOR_ID={state.assistants['math-tutor'][0].id}" in env


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()

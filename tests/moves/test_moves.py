"""`moved:` in aac.yaml end to end: a renamed object keeps its live one (same id, same files), retagged in
place; the next plan is empty; the entry left behind is a no-op; bad entries are validate errors."""

from __future__ import annotations

import openai
import pytest
from tests.cli_harness import Cli

from .conftest import (
    AGENT_MANIFEST,
    STORE_MANIFEST,
    VAULT_MANIFEST,
    add_moves,
    edit,
    everything,
    owned,
    rename_store,
    store,
    store_file_ids,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK marks beta.assistants


def _applied(aac: Cli) -> None:
    result = aac("apply", "--auto-approve")
    assert result.code == 0, result.err


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_renamed_store_is_moved_not_rebuilt(aac: Cli, client: openai.OpenAI, newline: str) -> None:
    _applied(aac)
    before = store(client, "support-kb")
    files = store_file_ids(client, before.id)
    ids = everything(client)
    rename_store(aac.root)
    add_moves(aac.root, ("vector_store.support-kb", "vector_store.knowledge"), newline=newline)

    text = aac("plan")
    assert text.code == 0, text.err
    assert "vector_store.knowledge has moved from vector_store.support-kb" in text.out
    assert "will be created" not in text.out and "will be destroyed" not in text.out
    assert "to replace, 0 to destroy, 1 moved." in text.out
    data = aac("plan", "--format", "json").json()
    actionable = [c for c in data["changes"] if c["action"] != "no-op"]
    [assistant_id] = [v for k, v in ids.items() if k == "assistant.customer-support"]
    assert [(c["address"], c["action"], c.get("previous_address"), c["id"]) for c in actionable] == [
        ("assistant.customer-support", "update", None, assistant_id),  # its tag names the store by its old key
        ("vector_store.knowledge", "update", "vector_store.support-kb", before.id)]
    assert actionable[0]["reason"] == "it names a moved object by its new name (support-kb -> knowledge)"
    markdown = aac("plan", "--format", "markdown").out
    assert "moved from `vector_store.support-kb`" in markdown

    _applied(aac)
    after = store(client, "knowledge")
    assert after.id == before.id and store_file_ids(client, after.id) == files
    assert owned(client.vector_stores.list(limit=100), "support-kb") == []
    assert everything(client) == {("vector_store.knowledge" if k == "vector_store.support-kb" else k): v
                                  for k, v in ids.items()}
    [assistant] = owned(client.beta.assistants.list(limit=100), "customer-support")
    assert assistant.tool_resources.file_search.vector_store_ids == [before.id]
    # the entry stays in aac.yaml: its `from` is gone and its `to` is live, so it does nothing
    assert aac("plan", "--detailed-exitcode").code == 0


def test_a_move_with_a_field_change_is_a_move_and_an_update(aac: Cli, client: openai.OpenAI) -> None:
    _applied(aac)
    before = store(client, "support-kb")
    rename_store(aac.root)
    edit(aac.root, STORE_MANIFEST, "display_name: Support knowledge base", "display_name: Knowledge")
    add_moves(aac.root, ("vector_store.support-kb", "vector_store.knowledge"))

    text = aac("plan").out
    assert "vector_store.knowledge will be updated in place (moved from vector_store.support-kb)" in text
    assert "to replace, 0 to destroy, 1 moved." in text
    _applied(aac)
    after = store(client, "knowledge")
    assert (after.id, after.name) == (before.id, "Knowledge")
    assert aac("plan", "--detailed-exitcode").code == 0


def test_a_renamed_vault_takes_its_credentials_and_the_agent_keeps_them(aac: Cli, client: openai.OpenAI) -> None:
    _applied(aac)
    ids = everything(client)
    edit(aac.root, VAULT_MANIFEST, "name: github\n", "name: gh\n")
    edit(aac.root, AGENT_MANIFEST, "credential: github/github-mcp", "credential: gh/github-mcp")
    add_moves(aac.root, ("vault.github", "vault.gh"))
    text = aac("plan")
    assert text.code == 0, text.err
    assert "vault.gh has moved from vault.github" in text.out
    assert "credential.gh/github-mcp has moved from credential.github/github-mcp" in text.out  # with its vault
    assert "will be created" not in text.out and "will be destroyed" not in text.out
    assert "will be replaced" not in text.out
    _applied(aac)
    now = everything(client)
    assert now["vault.gh"] == ids["vault.github"]
    assert now["credential.gh/github-mcp"] == ids["credential.github/github-mcp"]
    assert now["agent.weather-agent"] == ids["agent.weather-agent"]
    assert aac("plan", "--detailed-exitcode").code == 0


def test_a_credential_renamed_in_its_vault_keeps_its_id(aac: Cli, client: openai.OpenAI) -> None:
    _applied(aac)
    ids = everything(client)
    # its display name was its name: kept, since a credential's name cannot change in place (a rebuild)
    edit(aac.root, VAULT_MANIFEST, "  - name: github-mcp", "  - name: mcp\n    display_name: github-mcp")
    edit(aac.root, AGENT_MANIFEST, "credential: github/github-mcp", "credential: github/mcp")
    add_moves(aac.root, ("credential.github/github-mcp", "credential.github/mcp"))
    text = aac("plan")
    assert "credential.github/mcp has moved from credential.github/github-mcp" in text.out, text.out + text.err
    _applied(aac)
    assert everything(client)["credential.github/mcp"] == ids["credential.github/github-mcp"]
    assert aac("plan", "--detailed-exitcode").code == 0


def test_drift_calls_a_move_not_applied_pending(aac: Cli) -> None:
    _applied(aac)
    rename_store(aac.root)
    add_moves(aac.root, ("vector_store.support-kb", "vector_store.knowledge"))
    report = aac("drift", "--format", "json", "--fail-on", "drifted")
    assert report.code == 0, report.err
    items = {i["address"]: i for i in report.json()["items"]}
    assert "vector_store.support-kb" not in items
    assert items["vector_store.knowledge"]["category"] == "pending"
    assert "moved from vector_store.support-kb" in items["vector_store.knowledge"]["detail"]


def test_an_imported_store_can_then_be_moved(aac: Cli, client: openai.OpenAI) -> None:
    made = client.vector_stores.create(name="Legacy docs")
    imported = aac("import", made.id, "--auto-approve")
    assert imported.code == 0, imported.err
    [manifest] = (aac.root / "assistants" / "imported").glob("*.yaml")
    key = store_key = next(line.split(": ", 1)[1] for line in manifest.read_text().splitlines()
                           if line.startswith("name: "))
    assert owned(client.vector_stores.list(limit=100), key)[0].id == made.id
    relpath = str(manifest.relative_to(aac.root))
    edit(aac.root, relpath, f"name: {store_key}", "name: legacy")
    add_moves(aac.root, (f"vector_store.{store_key}", "vector_store.legacy"))
    _applied(aac)
    assert store(client, "legacy").id == made.id
    assert aac("plan", "--detailed-exitcode").code == 0


def test_a_saved_plan_with_a_move_applies_as_saved(aac: Cli, client: openai.OpenAI) -> None:
    _applied(aac)
    before = store(client, "support-kb")
    rename_store(aac.root)
    add_moves(aac.root, ("vector_store.support-kb", "vector_store.knowledge"))
    assert aac("plan", "--out", "plan.json").code == 0
    saved = (aac.root / "plan.json").read_text()
    assert '"previous_address": "vector_store.support-kb"' in saved
    result = aac("apply", "plan.json")
    assert result.code == 0, result.err
    assert store(client, "knowledge").id == before.id
    assert aac("plan", "--detailed-exitcode").code == 0


def test_an_entry_whose_both_ends_are_live_is_not_applied_and_says_so(aac: Cli, client: openai.OpenAI) -> None:
    _applied(aac)
    old = store(client, "support-kb")
    rename_store(aac.root)
    assert aac("apply", "--auto-approve", "--only", "vector_store.knowledge").code == 0  # both live now
    new = store(client, "knowledge")
    add_moves(aac.root, ("vector_store.support-kb", "vector_store.knowledge"))
    text = aac("plan")
    assert text.code == 0, text.err
    assert "both vector_store.support-kb and vector_store.knowledge are live, so the entry is not applied" in text.out
    assert "vector_store.support-kb will be destroyed (no manifest declares it)" in text.out
    assert old.id != new.id

"""aac drift through the CLI against the sandbox: hand edits, pending manifests, missing and unmanaged objects."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import openai
import pytest
from tests.cli_harness import Cli

from .helpers import STACK

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK marks beta.assistants


def _ids(client: openai.OpenAI) -> tuple[Any, Any]:
    assistant = next(a for a in client.beta.assistants.list() if (a.metadata or {}).get("aac-key") == "helper")
    store = next(s for s in client.vector_stores.list() if (s.metadata or {}).get("aac-key") == "kb")
    return assistant, store


def _edit_by_hand(client: openai.OpenAI) -> tuple[str, str]:
    """Instructions, a function's schema, and the store's files (attach one, detach one)."""
    assistant, store = _ids(client)
    tools = [t.model_dump(exclude_none=True) for t in assistant.tools]
    for tool in tools:
        if tool["type"] == "function":
            tool["function"]["parameters"]["properties"]["unit"] = {"type": "string"}
    client.beta.assistants.update(assistant.id, instructions="Be verbose.\nAnswer in English.\n", tools=tools)
    extra = client.files.create(file=("notes.md", b"# Notes\nby hand\n"), purpose="assistants")
    client.vector_stores.files.create_and_poll(file_id=extra.id, vector_store_id=store.id)
    attached = {f.id: f for f in client.vector_stores.files.list(store.id)}
    gone = next(i for i, f in attached.items() if (f.attributes or {}).get("aac-path") == "knowledge/a.md")
    client.vector_stores.files.delete(gone, vector_store_id=store.id)
    return extra.id, gone


def test_hand_edits_are_drift_field_by_field_and_apply_restores_them(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    assert aac("drift").code == 0
    extra_id, _ = _edit_by_hand(client)

    report = aac("drift", "--format", "json")

    assert report.code == 2, report.err
    items = {item["address"]: item for item in report.json()["items"]}
    assert {a: (i["category"], i["changed_fields"]) for a, i in items.items()} == {
        "assistant.helper": ("drifted", ["instructions", "tools"]),
        "vector_store.kb": ("drifted", ["files"]),
    }
    helper = items["assistant.helper"]
    assert helper["expected"]["instructions"] == "Be brief.\nAnswer in English.\n"
    assert helper["actual"]["instructions"] == "Be verbose.\nAnswer in English.\n"
    weather = [t for t in helper["actual"]["tools"] if t["type"] == "function"][0]["function"]
    assert "unit" in weather["parameters"]["properties"]
    kb = items["vector_store.kb"]
    assert kb["expected"]["files"] == ["knowledge/a.md", "knowledge/b.md"]
    assert kb["actual"]["files"] == ["knowledge/b.md", f"notes.md ({extra_id})"]
    assert kb["detail"] == f"attached by hand: notes.md ({extra_id}); detached by hand: knowledge/a.md"
    assert report.json()["foreign"] == {"agents": 0, "assistants": 0, "environment_templates": 0, "files": 1,
                                        "vaults": 0, "vector_stores": 0}
    assert "Not reported: 1 file of other stacks or of nobody" in report.err

    restored = aac("apply", "--auto-approve")
    assert restored.code == 0, restored.err
    after = aac("drift")
    assert after.code == 0, after.out
    assert "No drift." in after.out


def test_every_format_reports_the_same_drift(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    extra_id, _ = _edit_by_hand(client)

    text = aac("drift")
    assert text.code == 2
    assert "# assistant.helper has changed outside aac" in text.out
    assert "- Be brief.\n          + Be verbose.\n            Answer in English." in text.out
    assert "+ tools[function getWeather].parameters.properties.unit = {\"type\": \"string\"}" in text.out
    assert "# vector_store.kb has changed outside aac [- expected, + actual] (attached by hand: notes.md" in text.out
    assert f"- knowledge/a.md\n          + notes.md ({extra_id})" in text.out
    assert "Drift: 2 drifted, 0 missing, 0 unmanaged, 0 pending; 0 in sync." in text.out

    markdown = aac("drift", "--format", "markdown")
    assert markdown.code == 2
    assert f"<!-- aac-drift:{STACK} -->" in markdown.out
    assert "| `~` | `assistant.helper` | drifted | `instructions`, `tools`" in markdown.out
    assert "| `~` | `vector_store.kb` | drifted | `files`" in markdown.out

    junit = aac("drift", "--format", "junit", "--out", "reports/drift.xml")
    assert junit.code == 2
    assert (aac.root / "reports/drift.xml").read_text(encoding="utf-8") == junit.out
    suite = ET.fromstring(junit.out).find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("failures")) == ("2", "2")
    failures = {case.get("name"): case.find("failure") for case in suite.iter("testcase")}
    assert set(failures) == {"assistant.helper", "vector_store.kb"}
    assert failures["assistant.helper"].get("message").endswith("has changed outside aac: instructions, tools")
    assert failures["vector_store.kb"].get("type") == "drifted"


def test_a_manifest_changed_but_not_applied_is_pending_not_drift(aac: Cli) -> None:
    assert aac("apply", "--auto-approve").code == 0
    manifest = aac.root / "assistants/helper.yaml"
    manifest.write_text(manifest.read_text().replace("Be brief.", "Be kind."), encoding="utf-8")
    (aac.root / "knowledge/c.md").write_text("# C\nCherries.\n", encoding="utf-8")

    result = aac("drift", "--format", "json")

    assert result.code == 2
    items = {item["address"]: item for item in result.json()["items"]}
    assert {a: (i["category"], i["changed_fields"]) for a, i in items.items()} == {
        "assistant.helper": ("pending", ["instructions"]),
        "vector_store.kb": ("pending", ["files"]),
    }
    assert aac("drift", "--fail-on", "drifted,missing").code == 0
    assert aac("apply", "--auto-approve").code == 0
    assert aac("drift").code == 0


def test_deleted_by_hand_is_missing_tagged_without_manifest_is_unmanaged_others_are_ignored(
        aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    assistant, _ = _ids(client)
    client.beta.assistants.delete(assistant.id)
    tags = {"managed-by": "assistant-as-code", "aac-stack": STACK, "aac-key": "leftover", "aac-spec": "sha256:0"}
    leftover = client.beta.assistants.create(model="gpt-4o", name="Leftover", metadata=tags)
    client.beta.assistants.create(model="gpt-4o", name="hand made")
    client.beta.assistants.create(model="gpt-4o", metadata={**tags, "aac-stack": "other"})

    result = aac("drift", "--format", "json")

    assert result.code == 2
    report = result.json()
    items = {item["address"]: item for item in report["items"]}
    assert {a: i["category"] for a, i in items.items()} == {
        "assistant.helper": "missing", "assistant.leftover": "unmanaged", "vector_store.kb": "in_sync",
    }
    assert items["assistant.leftover"]["id"] == leftover.id
    assert items["assistant.leftover"]["detail"].endswith("add one to manage it; `aac apply` deletes it")
    assert items["assistant.helper"]["id"] is None
    assert report["foreign"]["assistants"] == 2
    assert "Not reported: 2 assistants of other stacks" in aac("drift").err


def test_a_bad_fail_on_and_an_unreachable_target_are_errors(aac: Cli) -> None:
    bad = aac("drift", "--fail-on", "drifted,bogus")
    assert bad.code == 1 and "unknown category bogus" in bad.err
    config = aac.root / "aac.yaml"
    # Port 9 (discard): nothing listens there. (Prefixing a 1 to the port could leave the valid range, which
    # validate now refuses before any network.)
    config.write_text(re.sub(r"base_url: http://127\.0\.0\.1:\d+", "base_url: http://127.0.0.1:9", config.read_text()))

    result = aac("drift", "--format", "json")

    assert result.code == 1
    assert result.json()["complete"] is False
    assert "incomplete" in result.err


def test_before_the_first_apply_everything_is_missing_and_says_why(aac: Cli) -> None:
    result = aac("drift", "--format", "json")

    assert result.code == 2
    items = result.json()["items"]
    assert {(i["address"], i["category"]) for i in items} == {("assistant.helper", "missing"),
                                                              ("vector_store.kb", "missing")}
    assert all(i["detail"].startswith("nothing of this stack is live") for i in items)
    assert items[1]["expected"]["files"] == ["knowledge/a.md", "knowledge/b.md"]


def test_a_write_only_field_changed_in_the_manifest_is_pending(aac: Cli) -> None:
    assert aac("apply", "--auto-approve").code == 0
    manifest = aac.root / "assistants/helper.yaml"
    manifest.write_text(manifest.read_text() + "reasoning_effort: high\n", encoding="utf-8")

    result = aac("drift", "--format", "json")

    assert result.code == 2
    helper = next(i for i in result.json()["items"] if i["address"] == "assistant.helper")
    assert (helper["category"], helper["changed_fields"]) == ("pending", ["reasoning_effort"])
    assert aac("apply", "--auto-approve").code == 0
    assert aac("drift").code == 0



def test_a_write_only_field_added_with_a_readable_one_is_pending_not_drift(aac: Cli) -> None:
    """The tag was written without the write-only field, so drift tries each value it may have had then
    (the kind's write_only_candidates): the readable change is the manifests', not a hand edit."""
    assert aac("apply", "--auto-approve").code == 0
    helper, kb = aac.root / "assistants/helper.yaml", aac.root / "assistants/kb.yaml"
    helper.write_text(helper.read_text().replace("Be brief.", "Be kind.") + "reasoning_effort: high\n",
                      encoding="utf-8")
    kb.write_text(kb.read_text() + "display_name: Knowledge\ndescription: What the helper knows\n", encoding="utf-8")

    result = aac("drift", "--format", "json")

    assert result.code == 2
    items = {item["address"]: (item["category"], item["changed_fields"]) for item in result.json()["items"]}
    assert items == {"assistant.helper": ("pending", ["instructions", "reasoning_effort"]),
                     "vector_store.kb": ("pending", ["display_name", "description"])}


def test_code_interpreter_files_are_reported_by_path_not_by_hash(aac: Cli, client: openai.OpenAI) -> None:
    """The canonical form holds each file's SHA-256; drift shows the repository path (the assistant kind's
    readable labels), also for a file dropped by hand."""
    manifest = aac.root / "assistants/helper.yaml"
    manifest.write_text(manifest.read_text().replace("  - file_search\n", "  - file_search\n  - code_interpreter\n")
                        + "files:\n  code_interpreter: [../knowledge/a.md]\n", encoding="utf-8")
    missing = next(i for i in aac("drift", "--format", "json").json()["items"] if i["address"] == "assistant.helper")
    assert missing["expected"]["code_interpreter_files"] == ["knowledge/a.md"]
    assert aac("apply", "--auto-approve").code == 0
    assistant, _ = _ids(client)
    client.beta.assistants.update(assistant.id, tool_resources={"code_interpreter": {"file_ids": []}})

    result = aac("drift", "--format", "json")

    helper = next(i for i in result.json()["items"] if i["address"] == "assistant.helper")
    assert (helper["category"], helper["changed_fields"]) == ("drifted", ["code_interpreter_files"])
    assert (helper["expected"]["code_interpreter_files"], helper["actual"]["code_interpreter_files"]) == (
        ["knowledge/a.md"], [])
    assert "knowledge/a.md" in aac("drift").out

def test_drift_never_writes(aac: Cli, client: openai.OpenAI, sandbox: Any) -> None:
    assert aac("apply", "--auto-approve").code == 0
    _edit_by_hand(client)
    assistant, store = _ids(client)
    before = (assistant.model_dump(), store.model_dump(), sorted(f.id for f in client.files.list()))

    assert aac("drift").code == 2

    assistant, store = _ids(client)
    store_dump = store.model_dump()
    store_dump.pop("last_active_at", None)
    expected_store = dict(before[1])
    expected_store.pop("last_active_at", None)
    assert (assistant.model_dump(), store_dump, sorted(f.id for f in client.files.list())) == (
        before[0], expected_store, before[2])

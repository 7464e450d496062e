"""`--only` and `--replace` on plan, apply and destroy: exactly the named objects (and what they need) change,
as the server shows after apply; unknown addresses are errors; a saved plan carries its selection."""

from __future__ import annotations

import json

import openai
import pytest
from tests.cli_harness import Cli

from .conftest import STORE_MANIFEST, edit, everything, store, store_file_ids

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK marks beta.assistants


def test_only_applies_an_assistant_and_what_it_needs(aac: Cli, client: openai.OpenAI) -> None:
    result = aac("apply", "--auto-approve", "--only", "assistant.customer-support")
    assert result.code == 0, result.err
    assert "--only: this plan is partial" in result.out
    assert sorted(everything(client)) == ["assistant.customer-support", "vector_store.support-kb"]
    assert len(store_file_ids(client, store(client, "support-kb").id)) > 0  # its files came with it
    rest = aac("plan", "--format", "json").json()
    assert "vector_store.support-kb" not in {c["address"] for c in rest["changes"] if c["action"] == "create"}
    assert aac("plan", "--only", "assistant.customer-support", "--detailed-exitcode").code == 0


def test_only_an_agent_brings_its_credential_and_vault(aac: Cli, client: openai.OpenAI) -> None:
    plan = aac("plan", "--format", "json", "--only", "agent.weather-agent").json()
    assert sorted(c["address"] for c in plan["changes"]) == [
        "agent.weather-agent", "credential.github/github-mcp", "vault.github"]
    assert plan["only"] == ["agent.weather-agent"] and any("partial" in w for w in plan["warnings"])
    assert plan["complete"] is False  # Terraform's word for a targeted plan, for policy tools
    assert aac("plan", "--format", "json").json()["complete"] is True


def test_replace_rebuilds_one_store_and_nothing_else(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    ids = everything(client)
    text = aac("plan", "--replace", "vector_store.support-kb")
    assert "vector_store.support-kb will be replaced (replace requested)" in text.out, text.out + text.err
    [rebuilt] = [c for c in aac("plan", "--format", "json", "--replace", "vector_store.support-kb").json()[
        "resource_changes"] if c["address"] == "vector_store.support-kb"]
    assert rebuilt["change"]["actions"] == ["create", "delete"] and rebuilt["action_reason"] == "replace_by_request"
    result = aac("apply", "--auto-approve", "--replace", "vector_store.support-kb")
    assert result.code == 0, result.err
    now = everything(client)
    assert now["vector_store.support-kb"] != ids["vector_store.support-kb"]
    assert {k: v for k, v in now.items() if k != "vector_store.support-kb"} == \
        {k: v for k, v in ids.items() if k != "vector_store.support-kb"}
    assert [s.id for s in client.vector_stores.list(limit=100)].count(ids["vector_store.support-kb"]) == 0
    assert aac("plan", "--detailed-exitcode").code == 0


@pytest.mark.parametrize("command", [["plan"], ["apply", "--auto-approve"], ["destroy", "--auto-approve"]])
def test_an_unknown_address_is_an_error_with_a_suggestion(aac: Cli, command: list[str]) -> None:
    result = aac(*command, "--only", "vector_store.support_kb")
    assert result.code == 1
    assert "error: --only vector_store.support_kb: no object of this stack has this address" in result.err
    assert "hint: did you mean `vector_store.support-kb`?" in result.err


def test_replace_of_an_agent_is_refused(aac: Cli) -> None:
    result = aac("plan", "--replace", "agent.weather-agent")
    assert result.code == 1
    assert "error: --replace agent.weather-agent: aac never rebuilds agents; it updates them in place" in result.err
    assert "hint: remove --replace agent.weather-agent" in result.err


def test_a_saved_plan_carries_its_selection(aac: Cli, client: openai.OpenAI) -> None:
    saved = aac("plan", "--only", "vector_store.support-kb", "--out", "plan.json")
    assert saved.code == 0, saved.err
    other = aac("apply", "plan.json", "--only", "assistant.math-tutor")
    assert other.code == 1 and "plan.json was made with --only vector_store.support-kb" in other.err
    assert everything(client) == {}
    applied = aac("apply", "plan.json")
    assert applied.code == 0, applied.err
    assert sorted(everything(client)) == ["vector_store.support-kb"]


def test_destroy_only_deletes_an_object_and_what_names_it(aac: Cli, client: openai.OpenAI) -> None:
    assert aac("apply", "--auto-approve").code == 0
    ids = everything(client)
    result = aac("destroy", "--auto-approve", "--only", "vector_store.support-kb")
    assert result.code == 0, result.err
    gone = {"vector_store.support-kb", "assistant.customer-support"}
    assert everything(client) == {k: v for k, v in ids.items() if k not in gone}


def test_replace_of_a_protected_store_is_refused(aac: Cli, client: openai.OpenAI) -> None:
    edit(aac.root, STORE_MANIFEST, "name: support-kb\n", "name: support-kb\nprotect: true\n")
    assert aac("apply", "--auto-approve").code == 0
    ids = everything(client)
    result = aac("apply", "--auto-approve", "--replace", "vector_store.support-kb")
    assert result.code == 1
    assert "the plan cannot be applied: vector_store.support-kb: it is protected" in result.err
    assert everything(client) == ids


@pytest.mark.parametrize("command", [["plan"], ["apply", "--auto-approve"]])
def test_a_replace_that_only_leaves_out_is_an_error_before_any_request(aac: Cli, client: openai.OpenAI,
                                                                        command: list[str]) -> None:
    # math-tutor names no store: --only keeps it alone, and the rebuild would be dropped as "No changes."
    result = aac(*command, "--only", "assistant.math-tutor", "--replace", "vector_store.support-kb")
    assert result.code == 1 and "read live state" not in result.err
    assert "error: --replace vector_store.support-kb is outside what --only keeps (assistant.math-tutor and what " \
           "it needs)" in result.err
    assert "hint: add --only vector_store.support-kb to plan its rebuild too" in result.err
    assert everything(client) == {}
    # within what --only keeps (the store customer-support searches), it is planned
    kept = aac("plan", "--only", "assistant.customer-support", "--replace", "vector_store.support-kb")
    assert kept.code == 0, kept.err


def test_an_address_given_twice_is_one_address(aac: Cli, client: openai.OpenAI) -> None:
    twice = ("--only", "vector_store.support-kb", "--only", "vector_store.support-kb")
    plan = aac("plan", "--format", "json", *twice, "--out", "plan.json").json()
    assert plan["only"] == ["vector_store.support-kb"]
    assert [w for w in plan["warnings"] if "partial" in w][0].count("vector_store.support-kb") == 1
    applied = aac("apply", "plan.json", *twice)  # the same selection, written twice, is the saved one
    assert applied.code == 0, applied.err
    assert sorted(everything(client)) == ["vector_store.support-kb"]


@pytest.mark.parametrize("address", ["Vector_Store.support-kb", "vector_store\uff0esupport-kb",
                                     "file.knowledge/faq.md", "vector_store_file.support-kb/knowledge/faq.md",
                                     "vector_store.support-kb\n", "vector_store.support-k\u0431"])
@pytest.mark.parametrize("option", ["--only", "--replace"])
def test_an_odd_address_gets_the_same_error_from_either_option(aac: Cli, option: str, address: str) -> None:
    result = aac("plan", option, address)
    assert result.code == 1
    [error, hint] = result.err.splitlines()[-2:]
    assert error.startswith(f"error: {option} ") and error.endswith(": no object of this stack has this address")
    assert "\n" not in address.strip() or "\\u000a" in error
    assert hint in ("hint: did you mean `vector_store.support-kb`?",
                    "hint: addresses are written as plans print them: vector_store.kb, credential.VAULT/NAME")


@pytest.mark.parametrize("field", ["only", "replace"])
@pytest.mark.parametrize("value", ["vector_store.support-kb", [1], [["vector_store.support-kb"]],
                                   {"vector_store.support-kb": 1}, None])
@pytest.mark.parametrize("command", [["apply"], ["show"]])
def test_a_saved_selection_edited_into_another_shape_is_refused(aac: Cli, client: openai.OpenAI, field: str,
                                                               value: object, command: list[str]) -> None:
    assert aac("plan", "--only", "vector_store.support-kb", "--out", "plan.json").code == 0
    path = aac.root / "plan.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    saved[field] = value
    path.write_text(json.dumps(saved), encoding="utf-8")
    result = aac(*command, "plan.json")
    assert result.code == 1 and "unexpected" not in result.err
    assert f"error: plan.json is not a plan saved by aac (TypeError: `{field}` must be a list of addresses)" \
        in result.err
    assert everything(client) == {}

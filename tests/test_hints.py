"""Every "run `aac ...`" hint can be pasted as printed: it keeps --target, --chdir and the quoting, and works."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openai
import pytest
from tests.cli_harness import Cli, hinted_commands

from aac.identity import owner_of

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK marks beta.assistants

KEY_ENV = "AAC_HINTS_TEST_KEY"


@pytest.fixture
def aac(tmp_path: Path, sandbox: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    """A stack whose default target is not the test's server: every command needs `--target openai`."""
    monkeypatch.setenv(KEY_ENV, "sk-test")
    root = tmp_path / "my stack"  # a space, so a pasted --chdir must be quoted
    (root / "assistants").mkdir(parents=True)
    (root / "knowledge").mkdir()
    (root / "knowledge/faq.md").write_text("# FAQ\nAsk us.\n", encoding="utf-8")
    (root / "aac.yaml").write_text(
        "stack: hints\nmanifests: assistants\ndefault_target: local\ntargets:\n"
        "  local: {type: sandbox, path: .aac/sandbox.db}\n"
        f"  openai: {{type: openai, base_url: '{sandbox.base_url}', api_key_env: {KEY_ENV}}}\n",
        encoding="utf-8",
    )
    return Cli(root, capsys)


def _with_kb(aac: Cli) -> None:
    (aac.root / "assistants/kb.yaml").write_text("kind: vector_store\nname: kb\nfiles: [../knowledge/*.md]\n",
                                                 encoding="utf-8")


def _stores(client: openai.OpenAI) -> list[str]:
    return [s.name or "" for s in client.vector_stores.list().data]


def test_import_of_a_name_with_a_space_under_a_target(aac: Cli, client: openai.OpenAI) -> None:
    bot = client.beta.assistants.create(model="gpt-4o", name="Support Bot", instructions="Help.")

    first = aac("--target", "openai", "import", "Support Bot")

    assert first.code == 1
    [again] = hinted_commands(first.err)
    assert "--target openai" in again and "'Support Bot'" in again
    pasted = aac.paste(again)
    assert pasted.code == 0, pasted.err
    assert owner_of(client.beta.assistants.retrieve(bot.id).metadata)[:2] == ("hints", "support-bot")


def test_apply_without_a_terminal_suggests_two_ways_that_both_work(aac: Cli, client: openai.OpenAI) -> None:
    _with_kb(aac)

    refused = aac("--target", "openai", "apply", "--parallelism", "2")

    assert refused.code == 1 and _stores(client) == []
    auto, save, apply_saved = hinted_commands(refused.err)
    assert auto.endswith("--target openai apply --parallelism 2 --auto-approve")
    assert aac.paste(save).code == 0 and _stores(client) == []
    applied = aac.paste(apply_saved)
    assert applied.code == 0, applied.err
    assert _stores(client) == ["kb"]
    assert aac.paste(auto).code == 0  # and the other way works too: nothing left to do


def test_apply_without_a_terminal_and_nothing_to_change_says_so(aac: Cli, client: openai.OpenAI) -> None:
    result = aac("--target", "openai", "apply")
    assert result.code == 0 and "error" not in result.err
    assert "No changes." in result.out


def test_destroy_without_a_terminal_suggests_a_destroy_plan(aac: Cli, client: openai.OpenAI) -> None:
    _with_kb(aac)
    assert aac("--target", "openai", "apply", "--auto-approve").code == 0

    refused = aac("--target", "openai", "destroy")

    assert refused.code == 1 and _stores(client) == ["kb"]
    auto, save, apply_saved = hinted_commands(refused.err)
    assert "plan --destroy --out" in save
    assert aac.paste(save).code == 0 and _stores(client) == ["kb"]
    destroyed = aac.paste(apply_saved)
    assert destroyed.code == 0, destroyed.err
    assert _stores(client) == []
    assert auto.endswith("destroy --auto-approve") and aac.paste(auto).code == 0


def test_a_validation_hint_runs_validate_on_the_same_stack(aac: Cli) -> None:
    (aac.root / "assistants/kb.yaml").write_text("kind: vector_store\nname: kb\nfiles: [../nothing/*.md]\n",
                                                 encoding="utf-8")
    result = aac("--target", "openai", "plan")
    [validate] = [c for c in hinted_commands(result.err) if c.endswith(" validate")]
    pasted = aac.paste(validate)
    assert pasted.code == 1
    assert "assistants/kb.yaml:3: error: '../nothing/*.md' matches no file" in pasted.err


def test_hints_written_without_the_command_line_get_the_users_global_options() -> None:
    from aac.invocation import Invocation

    ran = Invocation(("--target", "open ai", "-C", "my stack"), ("apply", "--parallelism", "2"))
    assert ran.paste("fix it, then run `aac validate` again") == \
        "fix it, then run `aac --target 'open ai' -C 'my stack' validate` again"
    assert ran.paste("run `aac apply` again") == \
        "run `aac --target 'open ai' -C 'my stack' apply --parallelism 2` again"
    assert ran.paste(f"run `{ran.command('plan')}`") == "run `aac --target 'open ai' -C 'my stack' plan`"  # once
    assert Invocation((), ("plan",)).paste("`aac validate`") == "`aac validate`"

"""Per-target values through the CLI: `overrides:` merged for `--target`, and `${env:NAME}` values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
import pytest
import yaml

from aac.sandbox.server import RunningSandbox
from cli_harness import Cli

pytestmark = pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")

TUTOR = """\
kind: assistant
name: tutor
model: gpt-4o-mini
instructions: Answer briefly.
temperature: 0.5
metadata: {team: support, tier: low}
tools: [code_interpreter, file_search]
overrides:
  prod:
    model: gpt-4o
    metadata: {tier: high}
    tools: [code_interpreter]
"""


def write_stack(root: Path, manifest: str, base_url: str | None = None, newline: str = "\n") -> Path:
    """A stack whose default target is the embedded sandbox, and whose `prod` is a second sandbox (the
    fixture's, when given, so a test can read what apply made)."""
    prod = ({"type": "openai", "base_url": base_url, "api_key_env": "AAC_TEST_KEY"} if base_url else
            {"type": "sandbox", "path": ".aac/prod.db"})
    targets = {"sandbox": {"type": "sandbox", "path": ".aac/sandbox.db"}, "prod": prod}
    (root / "aac.yaml").write_text(yaml.safe_dump({"stack": "demo", "default_target": "sandbox", "targets": targets}))
    (root / "assistants").mkdir()
    (root / "assistants" / "tutor.yaml").write_bytes(manifest.replace("\n", newline).encode())
    return root


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("AAC_TEST_KEY", "sk-test")
    monkeypatch.delenv("AAC_TARGET", raising=False)
    for name in ("MODEL", "REGION", "UNSET_ONE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def planned(aac: Cli, *target: str) -> dict[str, Any]:
    result = aac(*target, "plan", "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def tutor_after(plan: dict[str, Any]) -> dict[str, Any]:
    return next(c["after"] for c in plan["changes"] if c["address"] == "assistant.tutor")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_prod_plans_its_own_model_and_the_default_target_the_document_s(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], newline: str) -> None:
    aac = Cli(write_stack(tmp_path, TUTOR, newline=newline), capsys)
    default, prod = tutor_after(planned(aac)), tutor_after(planned(aac, "--target", "prod"))
    assert default["model"] == "gpt-4o-mini" and prod["model"] == "gpt-4o"
    # mappings merge key by key; lists replace
    assert default["metadata"] == {"team": "support", "tier": "low"}
    assert prod["metadata"] == {"team": "support", "tier": "high"}
    assert [t["type"] for t in default["tools"]] == ["code_interpreter", "file_search"]
    assert [t["type"] for t in prod["tools"]] == ["code_interpreter"]
    env.setenv("AAC_TARGET", "prod")  # the other way to pick a target
    assert tutor_after(planned(aac))["model"] == "gpt-4o"
    text = aac("--target", "prod", "plan")
    assert 'model                   = "gpt-4o"' in text.out


def test_apply_on_prod_makes_prod_s_values_and_converges(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], sandbox: RunningSandbox,
        client: openai.OpenAI) -> None:
    aac = Cli(write_stack(tmp_path, TUTOR, sandbox.base_url), capsys)
    applied = aac("--target", "prod", "apply", "--auto-approve")
    assert applied.code == 0, applied.err
    live = [a for a in client.beta.assistants.list() if a.name == "tutor"]
    assert [(a.model, a.metadata["tier"], [t.type for t in a.tools]) for a in live] == \
        [("gpt-4o", "high", ["code_interpreter"])]
    again = planned(aac, "--target", "prod")
    assert {c["action"] for c in again["changes"]} == {"no-op"}
    assert tutor_after(planned(aac))["model"] == "gpt-4o-mini"  # the embedded sandbox still plans the document's


def test_null_removes_a_field_as_a_merge_patch_does(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = TUTOR.replace("    metadata: {tier: high}\n", "    metadata: {team: null}\n    temperature: null\n")
    aac = Cli(write_stack(tmp_path, manifest), capsys)
    default, prod = tutor_after(planned(aac)), tutor_after(planned(aac, "--target", "prod"))
    assert default["temperature"] == 0.5 and default["metadata"] == {"team": "support", "tier": "low"}
    assert prod["temperature"] == 1  # removed: the server's default, as a manifest without it plans
    assert prod["metadata"] == {"tier": "low"}


def test_a_mapping_over_a_scalar_replaces_it_and_a_list_over_a_mapping_too(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = TUTOR + "    response_format: {type: json_object}\n"
    aac = Cli(write_stack(tmp_path, manifest.replace("temperature: 0.5", "temperature: 0.5\nresponse_format: auto")),
              capsys)
    assert tutor_after(planned(aac))["response_format"] == "auto"
    assert tutor_after(planned(aac, "--target", "prod"))["response_format"] == {"type": "json_object"}
    bad = Cli(tmp_path, capsys)
    (tmp_path / "assistants" / "tutor.yaml").write_text(TUTOR.replace("{tier: high}", "[high]"))
    result = bad("validate")
    line = TUTOR.split("\n").index("    metadata: {tier: high}") + 1
    assert result.code == 1 and f"tutor.yaml:{line}: error: (target prod) `metadata` must be a mapping" in result.err


def test_validate_names_the_target_and_the_override_s_line(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    aac = Cli(write_stack(tmp_path, TUTOR + "    temperature: 3\n"), capsys)
    result = aac("validate")
    assert result.code == 1
    line = TUTOR.count("\n") + 1
    assert f"assistants/tutor.yaml:{line}: error: (target prod) `temperature` is 3; it must be at most 2" in result.err
    assert "(target sandbox)" not in result.err
    assert aac("plan").code == 0  # the default target's values are valid: only prod's plan is refused
    refused = aac("--target", "prod", "plan")
    assert refused.code == 1 and f"assistants/tutor.yaml:{line}: error: `temperature` is 3" in refused.err


def test_a_problem_of_the_document_that_prod_fixes_names_the_other_target(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    aac = Cli(write_stack(tmp_path, TUTOR.replace("temperature: 0.5", "temperature: 5") + "    temperature: 1\n"),
              capsys)
    result = aac("validate")
    assert result.code == 1
    assert "assistants/tutor.yaml:5: error: (target sandbox) `temperature` is 5" in result.err
    assert "(target prod)" not in result.err


def test_a_problem_every_target_has_is_said_once_without_a_target(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    aac = Cli(write_stack(tmp_path, TUTOR.replace("temperature: 0.5", "temperature: 5")), capsys)
    result = aac("validate")
    assert result.err.count("`temperature` is 5") == 1 and "(target" not in result.err


@pytest.mark.parametrize(("override", "at", "message", "hint"), [
    ("  prd:\n    model: gpt-4o\n", 0, "`overrides` names target 'prd', which aac.yaml does not have",
     "did you mean `prod`?"),
    ("  prod:\n    name: tutor-prod\n", 1, "`overrides.prod` sets `name`, which no override may change",
     "`kind` and `name` are its identity"),
    ("  prod:\n    kind: vector_store\n", 1, "`overrides.prod` sets `kind`, which no override may change",
     "identity"),
    ("  prod: [model]\n", 0, "`overrides.prod` must be a mapping", "write the fields"),
    ("  prod:\n    overrides: {sandbox: {}}\n", 1, "`overrides.prod` sets `overrides`", "directly under"),
])
def test_a_bad_override_is_refused_by_validate_and_plan(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], override: str, at: int,
        message: str, hint: str) -> None:
    manifest = TUTOR.split("overrides:\n")[0] + "overrides:\n" + override
    aac = Cli(write_stack(tmp_path, manifest), capsys)
    line = manifest.split("\n").index(override.split("\n")[0]) + 1 + at
    for args in (["validate"], ["plan"], ["--target", "prod", "plan"]):
        result = aac(*args)
        assert result.code == 1, args
        found = [ln for ln in result.err.splitlines() if message in ln]
        assert found and found[0].startswith(f"assistants/tutor.yaml:{line}"), result.err
        assert hint in result.err


def test_overrides_not_a_mapping_is_refused(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    aac = Cli(write_stack(tmp_path, TUTOR.split("overrides:\n")[0] + "overrides: [prod]\n"), capsys)
    result = aac("validate")
    assert result.code == 1 and "`overrides` must be a mapping of target name" in result.err


def test_a_vector_store_override_replaces_its_file_list(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    write_stack(tmp_path, TUTOR)
    (tmp_path / "knowledge").mkdir()
    for name in ("dev.md", "prod.md", "shared.md"):
        (tmp_path / "knowledge" / name).write_text(f"# {name}\n")
    (tmp_path / "assistants" / "kb.yaml").write_text(
        "kind: vector_store\nname: kb\nfiles: [../knowledge/dev.md, ../knowledge/shared.md]\n"
        "overrides:\n  prod:\n    files: [../knowledge/prod.md]\n")
    aac = Cli(tmp_path, capsys)
    def paths(plan: dict[str, Any]) -> set[str]:
        return {c["address"] for c in plan["changes"] if c["address"].startswith("vector_store_file.")}
    assert paths(planned(aac)) == {"vector_store_file.kb/knowledge/dev.md", "vector_store_file.kb/knowledge/shared.md"}
    assert paths(planned(aac, "--target", "prod")) == {"vector_store_file.kb/knowledge/prod.md"}


def test_env_values_resolve_show_in_the_plan_and_escape(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = TUTOR.replace("model: gpt-4o-mini", "model: ${env:MODEL}").replace(
        "Answer briefly.", "'Answer from ${env:REGION}; write $${env:REGION} literally.'")
    aac = Cli(write_stack(tmp_path, manifest), capsys)
    env.setenv("MODEL", "gpt-4.1")
    env.setenv("REGION", "eu-west")
    plan = planned(aac)
    assert tutor_after(plan)["model"] == "gpt-4.1"
    assert tutor_after(plan)["instructions"] == "Answer from eu-west; write ${env:REGION} literally."
    assert 'assistant.tutor: model uses ${env:MODEL} = "gpt-4.1"' in plan["notes"]
    assert tutor_after(planned(aac, "--target", "prod"))["model"] == "gpt-4o"  # prod's override wins
    text = aac("plan", "--format", "markdown")
    assert "${env:MODEL}" in text.out and "gpt-4.1" in text.out


def test_a_saved_plan_is_refused_when_a_variable_it_used_changed(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    aac = Cli(write_stack(tmp_path, TUTOR.replace("model: gpt-4o-mini", "model: ${env:MODEL}")), capsys)
    env.setenv("MODEL", "gpt-4.1")
    assert aac("plan", "--out", "plan.json").code == 0
    env.setenv("MODEL", "gpt-4.1-mini")
    assert "the manifests changed since this plan was made" in aac("show", "plan.json").err
    refused = aac("apply", "plan.json")
    assert refused.code == 1 and "changed" in refused.err


def test_an_unset_variable_fails_plan_and_only_warns_in_validate(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = TUTOR.replace("model: gpt-4o-mini", "model: ${env:UNSET_ONE}").replace(
        "    model: gpt-4o\n", "    model: gpt-4o\n    description: ${env:UNSET_ONE}\n")
    aac = Cli(write_stack(tmp_path, manifest), capsys)
    result = aac("validate")
    assert result.code == 0, result.err
    # prod's override gives a model of its own: only the default target needs the variable there
    assert "assistants/tutor.yaml:3: warning: (target sandbox) `model`: ${env:UNSET_ONE} is not set here" in result.err
    assert "(target prod) `description`: ${env:UNSET_ONE} is not set here" in result.err
    refused = aac("plan")
    assert refused.code == 1
    assert "assistants/tutor.yaml:3: error: `model`: ${env:UNSET_ONE} is not set" in refused.err
    assert "hint: export UNSET_ONE" in refused.err


def test_validate_still_reports_a_real_problem_beside_an_unset_variable(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    aac = Cli(write_stack(tmp_path, TUTOR.replace("model: gpt-4o-mini", "model: ${env:UNSET_ONE}")
                          .replace("temperature: 0.5", "temperature: 9")), capsys)
    result = aac("validate")
    assert result.code == 1 and "`temperature` is 9" in result.err
    assert "warning: (target sandbox) `model`: ${env:UNSET_ONE} is not set here" in result.err


@pytest.mark.parametrize(("field", "message"), [
    ("name: ${env:NAME_FROM_ENV}", "`name` cannot come from the environment"),
    ("kind: ${env:KIND}", "`kind` cannot come from the environment"),
    ("instructions: ${env:}", "`instructions`: '${env:}' is not a reference to an environment variable"),
    ("instructions: ${env:MODEL", "`instructions`: '${env:MODEL' is not a reference"),
    ("instructions: a ${env:BAD-NAME} b", "`instructions`: '${env:BAD-NAME}' is not a reference"),
])
def test_references_that_are_refused(tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                     field: str, message: str) -> None:
    key = field.split(":")[0]
    lines = [field if line.startswith(f"{key}:") else line for line in TUTOR.split("\n")]
    aac = Cli(write_stack(tmp_path, "\n".join(lines)), capsys)
    env.setenv("NAME_FROM_ENV", "tutor")
    env.setenv("KIND", "assistant")
    line = lines.index(field) + 1
    for args in (["validate"], ["plan"]):
        result = aac(*args)
        assert result.code == 1
        assert f"assistants/tutor.yaml:{line}: error: {message}" in result.err, result.err


def test_a_secret_field_refuses_a_variable_and_names_its_env_field(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    write_stack(tmp_path, TUTOR)
    (tmp_path / "assistants" / "vault.yaml").write_text(
        "kind: vault\nname: tools\ncredentials:\n  - name: gh\n    auth:\n      type: bearer\n"
        "      token: ${env:GH_TOKEN}\n")
    env.setenv("GH_TOKEN", "ghp_never_shown_anywhere")
    aac = Cli(tmp_path, capsys)
    result = aac("validate")
    assert result.code == 1
    assert ("assistants/vault.yaml:7: error: `credentials[0].auth.token` is a secret: a value from `${env:...}` "
            "would be shown in every plan") in result.err
    assert "write `token_env: NAME` instead" in result.err
    assert "ghp_never_shown_anywhere" not in result.out + result.err
    assert result.err.count("vault.yaml:7") == 1  # one mistake, one error


TOKENS = ["ghp_" + "a1B2c3D4e5F6g7H8i9J0" * 2, "sk-proj-" + "Zq8_x-Lm3Np7Rt2Vw5Yb", "xoxb-1234567890-abcdefghij",
          "AKIA" + "ABCDEFGHIJKLMNOP", "-----BEGIN RSA PRIVATE KEY-----"]


@pytest.mark.parametrize("token", TOKENS)
@pytest.mark.parametrize(("where", "value"), [
    ("instructions: ${env:PASTED}", "{token}"),
    ("instructions: 'Call the API with ${env:PASTED}.'", "key {token}\nmore"),
    ("metadata: {team: support, tier: '${env:PASTED}'}", "{token}"),
])
def test_a_token_from_the_environment_in_a_plain_field_is_refused_and_never_shown(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], token: str, where: str,
        value: str) -> None:
    key = where.split(":")[0]
    lines = [where if line.startswith(f"{key}:") else line for line in TUTOR.split("\n")]
    aac = Cli(write_stack(tmp_path, "\n".join(lines)), capsys)
    env.setenv("PASTED", value.format(token=token))
    line = lines.index(where) + 1
    for args in (["validate"], ["plan"], ["plan", "--format", "json"], ["plan", "--out", "p.json"]):
        result = aac(*args)
        assert result.code == 1, result.out
        [error] = [e for e in result.err.splitlines() if e.startswith(f"assistants/tutor.yaml:{line}: error: ")]
        assert f"`{key}" in error  # validate says which target when they differ there
        assert "${env:PASTED} holds what looks like a" in result.err and "rotate it" in result.err
        assert token[:12] not in result.out + result.err
    assert not (tmp_path / "p.json").exists()


@pytest.mark.parametrize("value", ["task-manager-notes-v2", "vs_68a1B2c3D4e5F6g7H8i9J0kLmN",
                                   "file-Ab12Cd34Ef56Gh78Ij90KlMn"])
def test_a_word_or_an_id_that_merely_looks_random_is_a_value(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str) -> None:
    aac = Cli(write_stack(tmp_path, TUTOR.replace("Answer briefly.", "${env:PASTED}")), capsys)
    env.setenv("PASTED", value)
    assert tutor_after(planned(aac))["instructions"] == value


def test_a_long_value_s_note_is_cut_and_the_change_shows_it_whole(
        tmp_path: Path, env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    aac = Cli(write_stack(tmp_path, TUTOR.replace("Answer briefly.", "${env:LONG}")), capsys)
    long = "Answer in full sentences. " * 4000  # 104,000 characters, under the environment's 128 KiB a value
    env.setenv("LONG", long)
    plan = planned(aac)
    assert tutor_after(plan)["instructions"] == long
    [note] = [n for n in plan["notes"] if "${env:LONG}" in n]
    assert note.endswith(f'... ({len(long):,} characters)') and len(note) < 300

"""The plan JSON as policy tools read it: Terraform's plan representation beside aac's own fields.

Every change of every golden case validates against the structure Terraform documents (tests/terraform/
plan.schema.json); a plan read from the sandbox carries secrets only as sensitive markers, and what the read
found changed by hand as resource_drift; the policy `aac init` writes, run as the plan workflow runs it,
denies a plan that deletes a vector store and passes a harmless one.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import openai
import pytest
import yaml

from aac.cli import main
from aac.sandbox.server import RunningSandbox
from aac.templates import scaffold_files
from test_plan_cli import KEY, example

TESTS = Path(__file__).parent
CASES = TESTS / "cases"
SCHEMA = json.loads((TESTS / "terraform" / "plan.schema.json").read_text())
ACTIONS = {"no-op": ["no-op"], "create": ["create"], "update": ["update"], "delete": ["delete"],
           "replace": ["create", "delete"]}
GOLDEN = sorted(p.parent.name for p in CASES.glob("*/plan.json"))
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def problems(plan: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(plan)]


@pytest.mark.parametrize("case", GOLDEN)
def test_every_golden_change_has_the_documented_structure(case: str) -> None:
    plan = json.loads((CASES / case / "plan.json").read_text())
    assert problems(plan) == []
    by_address = {rc["address"]: rc for rc in plan["resource_changes"]}
    assert len(by_address) == len(plan["resource_changes"]) == len(plan["changes"])
    for change in plan["changes"]:
        rc = by_address[change["address"]]
        expected = ["delete", "create"] if change["kind"] == "vector_store_file" and change["action"] == "replace" \
            else ACTIONS[change["action"]]
        assert (rc["type"], rc["name"], rc["mode"]) == (f"aac_{change['kind']}", change["name"], "managed")
        assert rc["change"]["actions"] == expected, change["address"]
        fresh = change["action"] in ("create", "replace")
        assert rc["change"]["after_unknown"] == ({"id": True} if fresh else {})
        if change["id"] and change["action"] != "create":
            assert rc["change"]["before"]["id"] == change["id"]


def test_the_golden_cases_show_each_action_and_reason() -> None:
    def changes(case: str) -> dict[str, dict[str, Any]]:
        plan = json.loads((CASES / case / "plan.json").read_text())
        return {rc["address"]: rc for rc in plan["resource_changes"] if rc["change"]["actions"] != ["no-op"]}

    rebuilt = changes("protected-store-rebuilt")["vector_store.kb"]
    assert rebuilt["change"]["actions"] == ["create", "delete"]
    assert rebuilt["change"]["replace_paths"] == [["chunking_strategy"]]
    assert rebuilt["action_reason"] == "replace_because_cannot_update"
    removed = changes("assistant-removed")["assistant.tutor"]
    assert removed["change"]["actions"] == ["delete"] and removed["change"]["after"] is None
    assert removed["action_reason"] == "delete_because_no_resource_config"
    model = changes("assistant-model")["assistant.tutor"]["change"]
    assert (model["before"]["model"], model["after"]["model"], model["after"]["id"]) == ("gpt-4o", "gpt-4.1",
                                                                                        "asst_tutor")
    created = changes("empty-live")
    assert all(rc["change"]["before"] is None and rc["change"]["before_sensitive"] is False
               and "id" not in rc["change"]["after"] for rc in created.values())


@pytest.mark.parametrize("break_it", [
    lambda rc: rc["change"].update(actions=["replace"]),
    lambda rc: rc["change"].update(actions=["create", "create"]),
    lambda rc: rc["change"].update(actions="update"),
    lambda rc: rc["change"].pop("after_sensitive"),
    lambda rc: rc["change"].pop("before"),
    lambda rc: rc.pop("mode"),
    lambda rc: rc.update(action_reason="because"),
    lambda rc: rc["change"].update(after=None),  # an update must say what it leaves
])
def test_the_check_fails_on_a_wrong_action_list_or_a_missing_key(break_it: Any) -> None:
    plan = json.loads((CASES / "assistant-model" / "plan.json").read_text())
    broken = copy.deepcopy(plan)
    break_it(next(rc for rc in broken["resource_changes"] if rc["change"]["actions"] == ["update"]))
    assert problems(broken)


def cli(root: Path, *args: str) -> int:
    return main(["--chdir", str(root), "--no-color", "--target", "remote", *args])


@pytest.fixture
def stack(tmp_path: Path, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AAC_TEST_KEY", KEY)
    monkeypatch.delenv("AAC_TARGET", raising=False)
    return example(tmp_path, sandbox.base_url)


def planned(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    capsys.readouterr()
    assert cli(root, "plan", "--format", "json", *args) in (0, 2)
    return json.loads(capsys.readouterr().out)


def test_secrets_are_sensitive_markers_and_ids_unknown_until_apply(
        stack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = planned(stack, capsys, "--out", "saved.json")
    text = json.dumps(plan) + (stack / "saved.json").read_text()
    assert os.environ["GITHUB_MCP_TOKEN"] not in text and KEY not in text
    assert problems(plan) == []
    types = {rc["type"] for rc in plan["resource_changes"]}
    assert {"aac_vector_store", "aac_assistant", "aac_agent", "aac_vault", "aac_credential", "aac_file"} <= types
    credential = next(rc for rc in plan["resource_changes"] if rc["type"] == "aac_credential")["change"]
    assert credential["after"]["auth"]["token"] == "[REDACTED]"
    assert credential["after_sensitive"] == {"auth": {"token": True}}
    assert all(rc["change"]["after_unknown"] == {"id": True} for rc in plan["resource_changes"])
    assert json.loads((stack / "saved.json").read_text()) == plan  # the saved plan is the same document
    capsys.readouterr()
    assert main(["--chdir", str(stack), "--no-color", "show", "--format", "json", "saved.json"]) == 0
    assert json.loads(capsys.readouterr().out) == plan


def test_after_apply_ids_are_known_and_a_hand_edit_is_resource_drift(
        stack: Path, client: openai.OpenAI, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(stack, "apply", "--auto-approve") == 0
    plan = planned(stack, capsys)
    assert {tuple(rc["change"]["actions"]) for rc in plan["resource_changes"]} == {("no-op",)}
    assert plan["resource_drift"] == []
    tutor = next(rc for rc in plan["resource_changes"] if rc["address"] == "assistant.math-tutor")["change"]
    assert tutor["after"]["id"] == tutor["before"]["id"] and tutor["after"]["id"].startswith("asst_")
    client.beta.assistants.update(tutor["before"]["id"], model="gpt-3.5-turbo")
    plan = planned(stack, capsys)
    assert problems(plan) == []
    drift = {rc["address"]: rc for rc in plan["resource_drift"]}
    assert drift["assistant.math-tutor"]["change"]["actions"] == ["update"]
    assert drift["assistant.math-tutor"]["change"]["after"]["model"] == "gpt-3.5-turbo"
    assert drift["assistant.math-tutor"]["change"]["before"]["model"] == "gpt-4o"
    update = next(rc for rc in plan["resource_changes"] if rc["address"] == "assistant.math-tutor")
    assert update["change"]["actions"] == ["update"] and "action_reason" not in update


def policy_step(root: Path) -> str:
    """The policy step's script of the plan workflow `aac init` writes."""
    workflow = yaml.safe_load(scaffold_files("demo")[".github/workflows/plan.yml"])
    return next(step["run"] for step in workflow["jobs"]["plan"]["steps"] if step.get("name") == "Policy")


def run_policy(root: Path) -> subprocess.CompletedProcess[str]:
    (root / "policy").mkdir(exist_ok=True)
    (root / "policy" / "plan.rego").write_text(scaffold_files("demo")["policy/plan.rego"])
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # `python` is this interpreter
    return subprocess.run(["bash", "-e", "-c", policy_step(root)], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "PATH": path}, check=False)


def test_the_policy_denies_a_plan_that_deletes_a_vector_store(stack: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(stack, "apply", "--auto-approve") == 0
    (stack / "assistants" / "support" / "customer-support.yaml").unlink()
    assert cli(stack, "plan", "--out", "plan.json") == 0
    result = run_policy(stack)
    assert result.returncode == 1, result.stdout + result.stderr
    assert ("::error file=policy/plan.rego::vector_store.support-kb: a vector store is deleted only with the label"
            in result.stdout)
    assert "policy: 1 denied" in result.stdout


@pytest.mark.parametrize("edit, denied", [
    (lambda text: text.replace("model: gpt-4o", "model: gpt-4o-mini"), None),  # a harmless change
    (lambda text: text, None),  # no change at all
    (lambda text: text.replace("model: gpt-4o", "model: o1-pro"), "assistant.math-tutor: model o1-pro"),
])
def test_the_policy_passes_a_harmless_plan_and_denies_a_model_outside_the_list(
        stack: Path, capsys: pytest.CaptureFixture[str], edit: Any, denied: str | None) -> None:
    assert cli(stack, "apply", "--auto-approve") == 0
    manifest = stack / "assistants" / "math-tutor.yaml"
    manifest.write_text(edit(manifest.read_text()))
    assert cli(stack, "plan", "--out", "plan.json") == 0
    result = run_policy(stack)
    assert result.returncode == (1 if denied else 0), result.stdout + result.stderr
    assert (denied in result.stdout) if denied else "policy: nothing denied" in result.stdout

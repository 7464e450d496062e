"""`aac init`, the CI workflows it writes (also this repository's own), and the pre-commit hook."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from aac.cli import main
from aac.templates import WORKFLOWS, scaffold_files

REPO = Path(__file__).resolve().parents[1]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--no-color", *args])
    return code, capsys.readouterr().err


def workflow(path: str) -> dict[str, Any]:
    data = yaml.safe_load((REPO / path).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def run_lines(data: dict[str, Any]) -> list[str]:
    return [line.strip() for job in data["jobs"].values() for step in job["steps"]
            for line in str(step.get("run", "")).splitlines()]


def test_init_scaffolds_a_stack_that_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "Team Bots"
    code, err = run(capsys, "init", str(target))
    assert code == 0, err
    assert "Stack 'team-bots' is ready" in err
    for path in ("aac.yaml", "assistants/example.yaml", "schemas/manifest.schema.json", *WORKFLOWS):
        assert (target / path).is_file(), path
    code, err = run(capsys, "--chdir", str(target), "validate")
    assert code == 0, err
    assert "valid: stack 'team-bots', 1 assistant" in err
    assert "aac-apply-team-bots" in (target / ".github/workflows/apply.yml").read_text()


def test_init_never_overwrites_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "aac.yaml").write_text("stack: mine\n")
    code, err = run(capsys, "--chdir", str(tmp_path), "init")
    assert code == 1
    assert "already has aac.yaml; nothing was written" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aac.yaml"]
    assert (tmp_path / "aac.yaml").read_text() == "stack: mine\n"


def test_the_repository_workflows_are_the_ones_init_writes() -> None:
    files = scaffold_files("demo", pip_spec=".")
    for path in WORKFLOWS:
        # This stack's vault reads GITHUB_MCP_TOKEN: the example line the templates show, switched on.
        expected = files[path].replace("# GITHUB_MCP_TOKEN: ", "GITHUB_MCP_TOKEN: ")
        assert (REPO / path).read_text(encoding="utf-8") == expected, f"{path}: regenerate from the templates"


def test_plan_runs_on_pull_requests_and_comments_once() -> None:
    data = workflow(".github/workflows/plan.yml")
    assert "pull_request" in data["on"]
    assert data["permissions"]["pull-requests"] == "write"
    lines = run_lines(data)
    assert "aac validate" in lines
    assert "aac plan --format markdown --out plan.json > plan.md" in lines
    assert 'cat plan.md >> "$GITHUB_STEP_SUMMARY"' in lines
    steps = data["jobs"]["plan"]["steps"]
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    script = next(step["with"]["script"] for step in steps if step.get("uses", "").startswith("actions/github-script@"))
    assert "<!-- aac-plan: demo -->" in script and "updateComment" in script


def test_plan_runs_the_retrieval_checks_on_a_staging_target_when_one_is_configured() -> None:
    data = workflow(".github/workflows/plan.yml")
    job = data["jobs"]["checks"]
    assert job["needs"] == "plan" and "vars.AAC_STAGING_TARGET != ''" in job["if"]
    assert "needs.plan.result != 'failure'" in job["if"]  # runs on main too, where the plan job is skipped
    assert data["on"]["push"]["branches"] == ["main"] and data["jobs"]["plan"]["if"] == \
        "github.event_name == 'pull_request'"
    assert job["env"]["AAC_TARGET"] == "${{ vars.AAC_STAGING_TARGET }}"
    assert job["concurrency"] == {"group": "aac-staging-demo", "cancel-in-progress": False}
    lines = run_lines({"jobs": {"checks": job}})
    assert "aac apply --auto-approve" in lines
    assert "aac check --format markdown --out checks.json --out checks.xml --baseline baseline/checks.json " \
           "--fail-on-regression > checks.md" in lines
    steps = {step.get("name"): step for step in job["steps"]}
    assert steps["Test report"]["with"]["report_paths"] == "checks.xml"
    keep = steps["Keep main's report, the baseline"]
    assert "github.event_name == 'push'" in keep["if"] and keep["with"]["name"] == "aac-check-baseline"
    assert "--name aac-check-baseline" in steps["Download main's check report"]["run"]
    assert data["permissions"]["actions"] == "read"
    comment = steps["Comment on the pull request"]
    assert "<!-- aac-check:demo -->" in comment["with"]["script"] and "always()" not in comment["if"]


def test_apply_runs_on_main_one_at_a_time_never_cancelled() -> None:
    data = workflow(".github/workflows/apply.yml")
    assert data["on"]["push"]["branches"] == ["main"]
    assert data["concurrency"] == {"group": "aac-apply-demo", "cancel-in-progress": False}
    assert "aac apply --auto-approve" in run_lines(data)


def test_drift_runs_nightly_and_fails_the_job_on_drift() -> None:
    data = workflow(".github/workflows/drift.yml")
    assert re.fullmatch(r"[\d*/, -]+", data["on"]["schedule"][0]["cron"])
    steps = data["jobs"]["drift"]["steps"]
    check = next(step for step in steps if "--format junit" in str(step.get("run", "")))
    assert "continue-on-error" not in check  # exit 2 on drift fails the job
    assert any(step.get("with", {}).get("report_paths") == "drift.xml" for step in steps)


def test_the_key_comes_from_a_secret_and_nothing_prints_it() -> None:
    for path in WORKFLOWS:
        text = (REPO / path).read_text(encoding="utf-8")
        assert "OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}" in text, path
        for line in run_lines(workflow(path)):
            assert "OPENAI_API_KEY" not in line and "secrets." not in line, line


def test_every_aac_command_in_the_workflows_is_in_the_ci_docs() -> None:
    page = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    commands = {line for path in WORKFLOWS for line in run_lines(workflow(path)) if line.startswith("aac ")}
    assert len(commands) >= 5
    for command in sorted(commands):
        assert command in page, command


def test_ci_runs_lint_types_and_tests_on_two_pythons() -> None:
    data = workflow(".github/workflows/ci.yml")
    assert "pull_request" in data["on"] and data["on"]["push"]["branches"] == ["main"]
    job = data["jobs"]["check"]
    assert job["strategy"]["matrix"]["python"] == ["3.10", "3.12"]
    lines = run_lines(data)
    for command in ("pip install -e '.[dev]'", "ruff check", "mypy", "pytest -n 2"):
        assert command in lines, command
    assert "AAC_OPENAPI_SPEC" not in str(job.get("env", {}))


def test_the_pre_commit_hook_runs_validate() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "aac-validate")
    assert hook["entry"] == "aac validate"
    assert hook["pass_filenames"] is False
    assert hook["language"] == "python"


def _install_steps(root: Path) -> list[tuple[str, dict[str, Any]]]:
    """Every "Install aac" step of the workflows under `root`, with its workflow's path."""
    found = []
    for path in WORKFLOWS:
        data = yaml.safe_load((root / path).read_text(encoding="utf-8"))
        found += [(path, step) for job in data["jobs"].values() for step in job["steps"]
                  if step.get("name") == "Install aac"]
    assert {path for path, _ in found} == set(WORKFLOWS)
    return found


def test_a_new_stack_installs_what_init_was_told(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = "git+https://example.com/team/assistant-as-code@v0.1.0"
    code, err = run(capsys, "init", str(tmp_path), "--install", spec)
    assert code == 0, err
    assert f"pip install {spec}" in err
    for path, step in _install_steps(tmp_path):
        assert step["env"]["AAC_PIP_SPEC"] == "${{ vars.AAC_PIP_SPEC || '" + spec + "' }}", path
        assert 'pip install "$AAC_PIP_SPEC"' in step["run"]


def test_without_a_spec_init_says_what_to_set_and_the_workflow_asks_for_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run(capsys, "init", str(tmp_path))
    assert code == 0, err
    assert "set the repository variable AAC_PIP_SPEC" in err
    for path, step in _install_steps(tmp_path):
        assert "assistant-as-code'" not in step["env"]["AAC_PIP_SPEC"], path  # no such package on PyPI
        # The step as GitHub runs it when the variable is unset: it stops and names the variable.
        done = subprocess.run(["bash", "-e", "-c", step["run"]], env={"PATH": os.environ["PATH"], "AAC_PIP_SPEC": ""},
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 1
        assert "::error::set the repository variable AAC_PIP_SPEC" in done.stdout


def test_this_repository_installs_its_own_checkout() -> None:
    for path, step in _install_steps(REPO):
        assert step["env"]["AAC_PIP_SPEC"] == "${{ vars.AAC_PIP_SPEC || '.' }}", path

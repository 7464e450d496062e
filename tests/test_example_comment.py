"""The example stack's plan as a pull-request comment: golden files a reviewer can read as they would appear.

Two moments of a real review, planned against the sandbox through the CLI: the first PR (everything
created), and a typical later one (instructions edited, a knowledge file rewritten, a function's enum
widened). Live ids, times and the digest (the target's port is in aac.yaml) vary per run, so they are
replaced by placeholders before comparing.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from tests.cli_harness import Cli
from tests.test_cases import check
from tests.test_plan_cli import REPO, add_target

from aac.sandbox.server import RunningSandbox

GOLDENS = Path(__file__).parent / "goldens"
pytestmark = pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")


def stable(markdown: str) -> str:
    markdown = re.sub(r"\b(asst_|vs_|file-|agent_|vault_|cred_)[A-Za-z0-9]{8,}", r"\1…", markdown)
    markdown = re.sub(r"manifests sha256:[0-9a-f]+", "manifests sha256:…", markdown)  # aac.yaml holds the port
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "TIME", markdown)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new))


def test_the_example_stack_reads_well_as_a_pull_request_comment(
    tmp_path: Path, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("aac.yaml", "assistants", "schemas", "data", "knowledge"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, tmp_path / name)
    add_target(tmp_path, sandbox.base_url)
    monkeypatch.setenv("AAC_TEST_KEY", "sk-test")
    aac = Cli(tmp_path, capsys)

    first = aac("--target", "remote", "plan", "--format", "markdown")
    assert first.code == 0
    check(GOLDENS / "example-first-pr.md", stable(first.out))
    assert aac("--target", "remote", "apply", "--auto-approve").code == 0

    edit(tmp_path / "assistants" / "math-tutor.yaml", "and explain every step in plain words.",
         "and explain every step in plain words.\n  Check each root by substituting it back.")
    edit(tmp_path / "knowledge" / "faq.md", "ten seconds", "fifteen seconds")
    edit(tmp_path / "schemas" / "functions" / "get_current_weather.json", '["c", "f"]', '["c", "f", "k"]')
    later = aac("--target", "remote", "plan", "--format", "markdown")
    assert later.code == 0
    check(GOLDENS / "example-later-pr.md", stable(later.out))
    assert "`instructions`" in later.out and "getCurrentWeather" in later.out and "faq.md" in later.out

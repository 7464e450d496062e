"""Hints name aac as the user ran it, and name the file the user chose, so a fresh shell can paste them.

The quick start installs `.venv/bin/aac` and activates nothing: a hint saying `aac ...` would be
"command not found". Each test runs the real console script as its own process, started the way a
user starts it (a relative path, a path with ./, PATH, `python -m aac`, an absolute path), then
pastes the hinted command into `sh -c` with the same working folder and PATH.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from aac.invocation import program

VENV_BIN = Path(sys.executable).parent
SCRIPT = VENV_BIN / "aac"
BARE_PATH = "/usr/bin:/bin"  # a fresh shell: the virtual environment is not activated

STACK = "stack: hints\nmanifests: assistants\ndefault_target: local\ntargets:\n  local: {type: sandbox}\n"
STORE = "kind: vector_store\nname: kb\nfiles: [../knowledge/*.md]\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A stack with a `.venv` and a `venv` beside it, both the environment the tests run in."""
    root = tmp_path / "my stack"
    (root / "assistants").mkdir(parents=True)
    (root / "knowledge").mkdir()
    (root / "aac.yaml").write_text(STACK, encoding="utf-8")
    (root / "assistants/kb.yaml").write_text(STORE, encoding="utf-8")
    (root / "knowledge/faq.md").write_text("# FAQ\nAsk us.\n", encoding="utf-8")
    for name in (".venv", "venv"):
        (root / name).symlink_to(VENV_BIN.parent, target_is_directory=True)
    return root


def _run(root: Path, argv: list[str], path: str = BARE_PATH) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": path, "NO_COLOR": "1"}
    env.pop("AAC_TARGET", None)
    return subprocess.run(argv, cwd=root, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          check=False)


def _hinted(stderr: str) -> list[str]:
    return [c for line in stderr.splitlines() if line.startswith("hint: ") for c in re.findall(r"`([^`]*)`", line)]


def _paste(root: Path, command: str, path: str = BARE_PATH) -> subprocess.CompletedProcess[str]:
    return _run(root, ["sh", "-c", command], path)


WAYS = [
    ([".venv/bin/aac"], ".venv/bin/aac", BARE_PATH),
    (["./venv/bin/aac"], "./venv/bin/aac", BARE_PATH),
    (["aac"], "aac", f"{VENV_BIN}:{BARE_PATH}"),
    ([str(SCRIPT)], str(SCRIPT), BARE_PATH),  # an absolute path not on PATH stays absolute
    ([".venv/bin/python", "-m", "aac"], ".venv/bin/python -m aac", BARE_PATH),
]


@pytest.mark.parametrize(("argv", "named", "path"), WAYS, ids=["dot-venv", "dot-slash", "on-path", "absolute",
                                                               "module"])
def test_a_hint_names_aac_as_it_was_run_and_pastes(root: Path, argv: list[str], named: str, path: str) -> None:
    missing = _run(root, [*argv, "show", "plans/my plan.json"], path)

    assert missing.returncode == 1
    assert missing.stderr.startswith("error: there is no plan file plans/my plan.json\n")
    [save] = _hinted(missing.stderr)
    assert save == f"{named} plan --out 'plans/my plan.json'"
    (root / "plans").mkdir()
    saved = _paste(root, save, path)
    assert saved.returncode == 0, saved.stderr
    assert (root / "plans/my plan.json").is_file()


def test_the_global_options_and_the_program_both_survive(root: Path) -> None:
    refused = _run(root, [".venv/bin/aac", "--no-color", "-C", ".", "apply"])

    assert refused.returncode == 1
    auto, save, apply_saved = _hinted(refused.stderr)
    assert auto == ".venv/bin/aac --no-color -C . apply --auto-approve"
    assert save == ".venv/bin/aac --no-color -C . plan --out plan.json"
    assert apply_saved == ".venv/bin/aac --no-color -C . apply plan.json"
    assert _paste(root, save).returncode == 0
    applied = _paste(root, apply_saved)
    assert applied.returncode == 0, applied.stderr


@pytest.mark.parametrize("plan_file", ["my.plan", "plans/next plan.json", "destroy.plan"])
def test_a_stale_saved_plan_names_the_file_it_was_saved_to(root: Path, plan_file: str) -> None:
    (root / "plans").mkdir()
    destroy = ["--destroy"] if plan_file == "destroy.plan" else []
    assert _run(root, [".venv/bin/aac", "plan", *destroy, "--out", plan_file]).returncode == 0
    (root / "assistants/kb.yaml").write_text(STORE + "display_name: KB\n", encoding="utf-8")

    stale = _run(root, [".venv/bin/aac", "apply", plan_file])

    assert stale.returncode == 1 and "the saved plan is stale" in stale.stderr
    remake, apply_it = _hinted(stale.stderr)
    quoted = f"'{plan_file}'" if " " in plan_file else plan_file
    assert remake == f".venv/bin/aac plan {'--destroy ' if destroy else ''}--out {quoted}"
    assert apply_it == f".venv/bin/aac apply {quoted}"
    if not destroy:
        assert _paste(root, remake).returncode == 0
        applied = _paste(root, apply_it)
        assert applied.returncode == 0, applied.stderr


@pytest.mark.parametrize("plan_file", ["old.plan", "sub dir/x.json"])
def test_show_of_a_stale_plan_names_its_file(root: Path, plan_file: str) -> None:
    (root / "sub dir").mkdir()
    assert _run(root, [".venv/bin/aac", "plan", "--out", plan_file]).returncode == 0
    (root / "assistants/kb.yaml").write_text(STORE + "display_name: KB\n", encoding="utf-8")

    shown = _run(root, [".venv/bin/aac", "show", plan_file])

    quoted = f"'{plan_file}'" if " " in plan_file else plan_file
    assert shown.returncode == 0
    assert (f"`.venv/bin/aac apply {quoted}` will refuse it: make a fresh one with "
            f"`.venv/bin/aac plan --out {quoted}`") in shown.stderr


def test_a_garbled_plan_file_hint_names_that_file(root: Path) -> None:
    (root / "x.plan").write_text('{"format_version": "0.1"}', encoding="utf-8")
    result = _run(root, [".venv/bin/aac", "show", "x.plan"])
    assert result.returncode == 1
    assert _hinted(result.stderr) == [".venv/bin/aac plan --out x.plan"]


def test_how_aac_was_started_maps_to_the_program_named() -> None:
    here = str(SCRIPT)
    assert program(["aac"], [], {}) == ("aac",)
    assert program([".venv/bin/aac", "plan"], [], {"PATH": BARE_PATH}) == (".venv/bin/aac",)
    assert program([here], [], {"PATH": str(VENV_BIN)}) == ("aac",)
    assert program([here], [], {"PATH": BARE_PATH}) == (here,)
    assert program(["/x/aac/__main__.py"], ["python3", "-m", "aac"], {}) == ("python3", "-m", "aac")


@pytest.mark.parametrize(("argv", "named", "path"), WAYS[:1] + WAYS[-1:], ids=["dot-venv", "module"])
def test_init_names_the_next_commands_as_aac_was_run_and_they_paste(root: Path, argv: list[str], named: str,
                                                                    path: str) -> None:
    made = _run(root, [*argv, "init", "new stack"], path)

    assert made.returncode == 0, made.stderr
    [next_line] = [line for line in made.stderr.splitlines() + made.stdout.splitlines() if line.startswith("Next:")]
    validate, plan = re.findall(r"`([^`]*)`", next_line)
    assert validate.startswith(f"{named} --chdir ") and validate.endswith(" validate")
    pasted = _paste(root, validate, path)
    assert pasted.returncode == 0, pasted.stderr
    assert "valid" in pasted.stdout + pasted.stderr

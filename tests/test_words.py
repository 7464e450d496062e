"""The first hour's errors say what is wrong in words a newcomer knows, with a hint that fixes it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aac.manifest.yaml_load import parse_documents

SCRIPT = str(Path(sys.executable).parent / "aac")

TABBED = {
    "list item": ("kind: assistant\nname: x\ntools:\n\t- type: file_search\n", 4),
    "key": ("kind: assistant\n\tname: x\n", 2),
    "spaces then tab": ("a:\n  b: 1\n  \tc: 2\n", 3),
    "crlf": ("a:\r\n\tb: 1\r\n", 2),
    "cr only": ("a:\r\tb: 1\r", 2),
    "bom, tab after a dash": ("\ufeffa:\n  - x\n  -\tb: [1\n", 3),
    "unicode line separator": ("a:\u2028\tb: 1\n", 2),
}


@pytest.mark.parametrize("name", TABBED)
def test_a_tab_in_indentation_is_named_with_its_line(name: str) -> None:
    text, line = TABBED[name]
    _, [problem] = parse_documents(text, "m.yaml")
    assert (problem.line, problem.message) == (line, f"invalid YAML: a tab indents line {line}; YAML indents "
                                                     "with spaces only")
    assert problem.hint == f"replace the tab at the start of line {line} with spaces"


def test_a_tab_inside_a_value_is_no_problem_and_other_errors_keep_their_words() -> None:
    assert parse_documents("name:\tx\n", "m.yaml")[1] == []
    _, [problem] = parse_documents("a:\n  b: [\n", "m.yaml")
    assert "tab" not in problem.message and problem.message.startswith("invalid YAML: ")


def test_validate_says_tab_for_a_manifest_and_for_the_stack_file(tmp_path: Path) -> None:
    (tmp_path / "assistants").mkdir()
    (tmp_path / "aac.yaml").write_text("stack: s\ntargets:\n  local: {type: sandbox}\n", encoding="utf-8")
    (tmp_path / "assistants/a.yaml").write_text("kind: assistant\nname: a\nmodel: gpt-4o\ntools:\n\t- type: x\n",
                                                encoding="utf-8")
    manifest = _aac(tmp_path, "validate")
    assert manifest.returncode == 1 and "a tab indents line 5" in manifest.stderr
    (tmp_path / "aac.yaml").write_text("stack: s\ntargets:\n\tlocal: {type: sandbox}\n", encoding="utf-8")
    stack = _aac(tmp_path, "validate")
    assert stack.returncode == 1 and "a tab indents line 3" in stack.stderr


def _aac(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("AAC_TARGET", None)
    return subprocess.run([SCRIPT, *args], cwd=root, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, check=False)


MISPLACED = [
    (["--auto-approve", "apply"], "--auto-approve", "apply", f"{SCRIPT} apply --auto-approve"),
    (["--out", "my plan.json", "--format", "json", "plan"], "--out", "plan",
     f"{SCRIPT} plan --out 'my plan.json' --format json"),
    (["--no-color", "--detailed-exitcode", "plan"], "--detailed-exitcode", "plan",
     f"{SCRIPT} --no-color plan --detailed-exitcode"),
    (["--all", "import", "vs_1"], "--all", "import", f"{SCRIPT} import --all vs_1"),
    (["--fail-on=drifted", "drift"], "--fail-on=drifted", "drift", f"{SCRIPT} drift --fail-on=drifted"),
]


@pytest.mark.parametrize(("argv", "option", "command", "fixed"), MISPLACED)
def test_a_command_option_before_the_command_says_where_it_goes(tmp_path: Path, argv: list[str], option: str,
                                                                command: str, fixed: str) -> None:
    result = _aac(tmp_path, *argv)
    assert result.returncode == 1
    name = option.split("=")[0]
    assert result.stderr == (f"error: {name} is an option of `{command}`: it goes after the command\n"
                             f"hint: run `{fixed}`\n")


def test_an_option_of_no_command_is_still_unknown(tmp_path: Path) -> None:
    result = _aac(tmp_path, "--bogus", "plan")
    assert result.returncode == 1 and "No such option '--bogus'" in result.stderr


def _help(*args: str) -> str:
    result = subprocess.run([SCRIPT, *args, "--help"], capture_output=True, text=True, check=True,
                            env={**os.environ, "COLUMNS": "80"})
    return result.stdout


@pytest.mark.parametrize("group", [(), ("sandbox",)])
def test_every_command_summary_fits_without_an_ellipsis(group: tuple[str, ...]) -> None:
    commands = _help(*group).split("Commands:\n", 1)[1]
    assert commands.strip() and "..." not in commands


@pytest.mark.parametrize(("command", "codes"), [("drift", "0 nothing in the --fail-on categories, 2 something in"),
                                                ("check", "0 every check passed, 2 a check failed, a threshold"),
                                                ("plan", "2 changes to make"), ("validate", "0 valid, 1 problems")])
def test_help_lists_exit_codes_beyond_0_and_1(command: str, codes: str) -> None:
    assert codes in " ".join(_help(command).split())


def test_import_help_says_what_keys_are_and_where_out_goes() -> None:
    text = " ".join(_help("import").split())
    assert "KEYS are the live objects to import, each by id" in text and "or by name" in text
    assert "--out defaults to the folder `imported` inside the manifests folder" in text

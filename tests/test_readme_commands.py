"""The README's two commands (install and apply the example, run the tests) are the ones CI runs, as written."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_block_after(heading_words: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(re.escape(heading_words) + r".*?```sh\n(.*?)\n```", readme, re.S)
    assert match, f"the README has no command block after {heading_words!r}"
    return match.group(1)


def test_ci_runs_the_readmes_install_and_test_commands_verbatim() -> None:
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    install = _readme_block_after("Install into a virtualenv")
    test = _readme_block_after("Run the tests")
    assert install in ci_lines and test in ci_lines
    assert ci_lines.index(install) < ci_lines.index(test)


def test_the_readmes_first_command_sets_every_variable_the_example_stack_reads() -> None:
    """The example's credential reads its token from a variable: the one-line install sets it for the apply."""
    manifests = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "assistants").rglob("*.yaml"))
    apply = _readme_block_after("Install into a virtualenv").split("&&")[-1]
    for variable in re.findall(r"_env: ([A-Z_][A-Z0-9_]*)", manifests):
        assert re.search(rf"\b{variable}=\S{{8,}} ", apply), f"the README's apply does not set {variable}"


def test_the_readmes_commands_need_no_activated_virtualenv() -> None:
    """A new shell has no `aac` or `pytest` on PATH: every command names the virtualenv's own."""
    for heading in ("Install into a virtualenv", "Run the tests"):
        for command in re.split(r"&&", _readme_block_after(heading)):
            # the program comes after any VAR=value the command sets (the example's secret)
            program = next(w for w in command.split() if not re.match(r"^[A-Z_][A-Z0-9_]*=", w))
            assert program == "python3" or program.startswith(".venv/bin/"), command

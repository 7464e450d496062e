"""A throwaway stack repository per test, and the CLI run in-process against it."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from aac.cli import main

STACK_YAML = """\
stack: test
default_target: sandbox
targets:
  sandbox: {type: sandbox, path: .aac/sandbox.db}
"""


@dataclass
class Result:
    code: int
    out: str
    err: str


@dataclass
class Repo:
    root: Path
    capsys: pytest.CaptureFixture[str]

    def write(self, path: str, text: str) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
        return target

    def run(self, *args: str) -> Result:
        self.capsys.readouterr()
        code = main(["--no-color", "--chdir", str(self.root), *args])
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def validate(self) -> Result:
        return self.run("validate")


@pytest.fixture
def repo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Repo:
    root = tmp_path / "stack"
    root.mkdir()
    (root / "aac.yaml").write_text(STACK_YAML, encoding="utf-8")
    (root / "assistants").mkdir()
    return Repo(root, capsys)

"""`aac` run in-process against one stack folder, with its output captured: the tests' way to use the CLI."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from aac.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class Cli:
    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.root = root
        self.capsys = capsys

    def __call__(self, *args: str) -> Result:
        return self._main(["--chdir", str(self.root), "--no-color", *args])

    def paste(self, command: str) -> Result:
        """Run a command exactly as aac printed it (`aac ...`), as a user pasting it into a shell would."""
        words = shlex.split(command)
        assert words[0] == "aac", command
        return self._main(words[1:])

    def _main(self, argv: list[str]) -> Result:
        self.capsys.readouterr()
        code = main(argv)
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)


def hinted_commands(err: str) -> list[str]:
    """Every `aac ...` command the hint lines of stderr suggest, as printed."""
    return [command for line in err.splitlines() if line.startswith("hint: ")
            for command in re.findall(r"`(aac [^`]*)`", line)]

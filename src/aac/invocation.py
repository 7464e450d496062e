"""The command line the user ran, so every "run `aac ...`" hint can be pasted as it is.

A hint that says what to run next keeps the user's global options (`--target`, `--chdir`,
`--no-color`, `--debug`) and quotes every word for a POSIX shell, so `aac import "Support Bot"`
under `--target openai` suggests `aac --target openai import 'Support Bot' --auto-approve`.
It names aac as the user ran it: `.venv/bin/aac` typed as a path stays that path (the quick start
installs aac there and activates nothing, so a bare `aac` would be "command not found").
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PROGRAM = "aac"
_COMMAND_IN_HINT = re.compile(r"`aac ([^`]*)`")


@dataclass(frozen=True)
class Invocation:
    common: tuple[str, ...] = ()  # the global options as given, e.g. ("--target", "openai")
    args: tuple[str, ...] = ()  # the command and its own arguments, e.g. ("import", "Support Bot")
    program: tuple[str, ...] = (PROGRAM,)  # how the user ran aac, e.g. (".venv/bin/aac",), ("python3", "-m", "aac")

    def command(self, *args: str) -> str:
        """`aac GLOBALS ARGS`, quoted for a shell: another command with the user's global options."""
        return shlex.join([*self.program, *self.common, *args])

    def again(self, add: Iterable[str] = (), drop: Iterable[str] = ()) -> str:
        """The command the user ran, without the flags in `drop`, with those in `add` (once)."""
        dropped = set(drop)
        args = [a for a in self.args if a not in dropped]
        args += [a for a in add if a not in args]
        return self.command(*args)

    def paste(self, text: str) -> str:
        """`text` with each `aac ARGS` in backticks made runnable as the user runs aac.

        For hints written where the command line is not known (validation, a step of an apply):
        `aac apply` in a hint to `aac --target x apply --auto-approve` means that same command again;
        any other command is already shell words and lacks only the global options.
        """
        prefix = shlex.join(self.common)

        def complete(match: re.Match[str]) -> str:
            rest = match.group(1)
            if self.args and rest == self.args[0]:
                return f"`{self.again()}`"
            program = shlex.join(self.program)
            if not prefix or rest.startswith(prefix):
                return f"`{program} {rest}`"
            return f"`{program} {prefix} {rest}`"

        return _COMMAND_IN_HINT.sub(complete, text)


def program(argv: Sequence[str], orig_argv: Sequence[str], environ: Mapping[str, str]) -> tuple[str, ...]:
    """How to run aac again from the user's shell, given sys.argv and sys.orig_argv.

    A console script started from PATH gets its resolved path as argv[0], one typed as a path gets the
    path as typed: the first is `aac`, the second stays as typed. `python -m aac` has __main__.py as
    argv[0], so the interpreter is named as typed in orig_argv.
    """
    first = argv[0] if argv else ""
    if Path(first).name == "__main__.py":
        return (orig_argv[0] if orig_argv else "python", "-m", PROGRAM)
    if not first or os.sep not in first:
        return (PROGRAM,)
    on_path = shutil.which(Path(first).name, path=environ.get("PATH", ""))
    if on_path and os.path.isabs(first) and _same_file(on_path, first):
        return (Path(first).name,)
    return (first,)


def _same_file(one: str, other: str) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False

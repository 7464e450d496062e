"""The command line the user ran, so every "run `aac ...`" hint can be pasted as it is.

A hint that says what to run next keeps the user's global options (`--target`, `--chdir`,
`--no-color`, `--debug`) and quotes every word for a POSIX shell, so `aac import "Support Bot"`
under `--target openai` suggests `aac --target openai import 'Support Bot' --auto-approve`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass

PROGRAM = "aac"
_COMMAND_IN_HINT = re.compile(r"`aac ([^`]*)`")


@dataclass(frozen=True)
class Invocation:
    common: tuple[str, ...] = ()  # the global options as given, e.g. ("--target", "openai")
    args: tuple[str, ...] = ()  # the command and its own arguments, e.g. ("import", "Support Bot")

    def command(self, *args: str) -> str:
        """`aac GLOBALS ARGS`, quoted for a shell: another command with the user's global options."""
        return shlex.join([PROGRAM, *self.common, *args])

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
            if not prefix or rest.startswith(prefix):
                return match.group(0)
            return f"`{PROGRAM} {prefix} {rest}`"

        return _COMMAND_IN_HINT.sub(complete, text)

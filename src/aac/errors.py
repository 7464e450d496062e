"""The one error type users see: what went wrong, and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass


class AacError(Exception):
    """A failure with a user-facing message, a hint and an exit code.

    Low-level failures (SDK exceptions, OS errors) are turned into one of these at
    the edge where the cause is known, so the CLI prints two lines, never a traceback.
    """

    def __init__(self, message: str, hint: str | None = None, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code


@dataclass(frozen=True)
class Problem:
    """One validation finding, located in a file."""

    path: str  # repository-relative path of the file, POSIX separators
    line: int  # 1-based; 0 when the problem has no line (a whole file)
    message: str
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.severity}: {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text


class ValidationFailed(AacError):
    """Every problem found in the stack, reported at once."""

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(
            f"{len(errors)} problem{'' if len(errors) == 1 else 's'} found in the manifests",
            "fix the problems above, then run `aac validate` again",
        )
        self.problems = problems

"""The one error type users see: what went wrong, and what to do about it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
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


def closest(word: str, known: Iterable[object]) -> str | None:
    """The one of `known` a misspelt `word` most likely meant (difflib's ratio of at least 0.6), or None."""
    match = difflib.get_close_matches(word, [str(k) for k in known], n=1)
    return match[0] if match else None


def did_you_mean(word: str, known: Iterable[object]) -> str | None:
    """The hint for a misspelt key, name or path: "did you mean `X`?", or None when nothing is close."""
    match = closest(word, known)
    return suggestion(match) if match is not None else None


def suggestion(meant: str) -> str:
    return f"did you mean `{meant}`?"


class ValidationFailed(AacError):
    """Every problem found in the stack, reported at once."""

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(
            f"{len(errors)} problem{'' if len(errors) == 1 else 's'} found in the manifests",
            "fix the problems above, then run `aac validate` again",
        )
        self.problems = problems


SUNSET = "2026-08-26"


class AssistantsUnavailable(AacError):
    """The target answers 404 on /assistants: OpenAI (and Azure) since the sunset; import asked for one."""

    def __init__(self, base_url: str) -> None:
        super().__init__(
            f"the Assistants API is gone on {base_url} (OpenAI shut it down on {SUNSET}); "
            "files and vector stores still work",
            "on this target, import vector stores (vs_...); assistant manifests are Responses API configuration "
            "here (`aac output --format responses`)",
        )
        self.base_url = base_url


class AgentsUnavailable(AacError):
    """The target answers 404 on /agents or /vaults: no Agents API (llama-stack, ogx, `sandbox serve --no-agents`)."""

    def __init__(self, base_url: str) -> None:
        super().__init__(
            f"{base_url} has no Agents API (404 on /agents or /vaults): agent and vault manifests need OpenAI's "
            "Agents API, which is beta, or the sandbox, which serves it; files, vector stores and assistants "
            "as configuration still work here",
            "apply agents and vaults to a target with the Agents beta (OpenAI, or a sandbox target), "
            "or leave them out of the manifests for this one",
        )
        self.base_url = base_url

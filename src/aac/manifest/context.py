"""What loading collects as it goes: problems, the files specs reference, the digest's inputs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from aac.errors import Problem
from aac.resources import LocalFile


@dataclass
class LoadContext:
    root: Path  # the stack root: nothing a manifest references may lie outside it
    problems: list[Problem] = field(default_factory=list)
    files: dict[str, LocalFile] = field(default_factory=dict)
    digest_inputs: dict[str, bytes] = field(default_factory=dict)  # repository-relative path -> bytes
    real_folders: dict[Path, str] = field(default_factory=dict)  # folder -> its real path, symlinks followed
    # The variables that hold a target's API key: apply runs with them set, so no manifest may read one.
    key_variables: frozenset[str] = frozenset()
    # The type of the target the manifests are loaded for ("foundry", ...): what a kind can express differs.
    target_type: str | None = None
    stack: str = ""  # the stack's name: what a kind derives live names from (a prompt agent's)

    def __post_init__(self) -> None:
        self.real_root = self.root.resolve()  # symlinks followed, for "does it leave the repository"

    def error(self, path: str, line: int, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(path, line, message, hint))

    def warn(self, path: str, line: int, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(path, line, message, hint, severity="warning"))

    def digest(self) -> str:
        """sha256 over every input's path and bytes, in path order."""
        h = hashlib.sha256()
        for path in sorted(self.digest_inputs):
            data = self.digest_inputs[path]
            h.update(f"{path}\n{len(data)}\n".encode())
            h.update(data)
        return "sha256:" + h.hexdigest()

    def sorted_problems(self) -> list[Problem]:
        unique = dict.fromkeys(self.problems)
        return sorted(unique, key=lambda p: (p.path, p.line, p.severity != "error", p.message))

"""The stack file, aac.yaml: the stack's name, where its manifests are, and its targets."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from aac.errors import AacError

STACK_FILE = "aac.yaml"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
TARGET_TYPES = ("sandbox", "openai")


@dataclass(frozen=True)
class Target:
    name: str
    type: str  # "sandbox" or "openai"
    path: str | None = None  # sandbox: the SQLite file, relative to the stack root
    base_url: str | None = None
    api_key_env: str | None = None  # the NAME of the variable holding the key; a key never sits in a file
    organization: str | None = None
    project: str | None = None


@dataclass(frozen=True)
class Stack:
    root: Path
    name: str
    manifests: str  # folder, relative to root
    default_target: str
    targets: Mapping[str, Target]

    @property
    def manifests_dir(self) -> Path:
        return self.root / self.manifests

    def target(self, name: str | None = None) -> Target:
        """The target called `name`, else the default one."""
        chosen = name or self.default_target
        if chosen not in self.targets:
            known = ", ".join(sorted(self.targets)) or "none"
            raise AacError(
                f"there is no target {chosen!r} in {STACK_FILE} (targets: {known})",
                "pick one with --target NAME or AAC_TARGET, or add it under `targets:`",
            )
        return self.targets[chosen]


def load_stack(root: Path) -> Stack:
    path = root / STACK_FILE
    if not path.is_file():
        raise AacError(
            f"no {STACK_FILE} in {root}",
            "run aac in the stack's root folder (or pass --chdir DIR), or start one with `aac init`",
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise AacError(f"{STACK_FILE} is not valid YAML: {exc}", f"fix {STACK_FILE}") from exc
    return parse_stack(root, data)


def parse_stack(root: Path, data: object) -> Stack:
    if not isinstance(data, dict):
        raise AacError(f"{STACK_FILE} must be a mapping", "see the README for the stack file format")
    name = data.get("stack")
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise AacError(
            f"{STACK_FILE}: `stack` must be a name matching {NAME_PATTERN.pattern}, got {name!r}",
            "name the stack, for example `stack: demo`",
        )
    raw_targets = data.get("targets") or {"sandbox": {"type": "sandbox", "path": ".aac/sandbox.db"}}
    if not isinstance(raw_targets, dict):
        raise AacError(f"{STACK_FILE}: `targets` must be a mapping of name to target", "see the README")
    targets = {key: _target(str(key), value) for key, value in raw_targets.items()}
    default = data.get("default_target") or next(iter(targets))
    if default not in targets:
        raise AacError(f"{STACK_FILE}: default_target {default!r} is not under `targets`", "add it or fix the name")
    return Stack(
        root=root,
        name=name,
        manifests=str(data.get("manifests") or "assistants"),
        default_target=str(default),
        targets=targets,
    )


def _target(name: str, value: object) -> Target:
    if not isinstance(value, dict) or value.get("type") not in TARGET_TYPES:
        raise AacError(
            f"{STACK_FILE}: target {name!r} needs `type: sandbox` or `type: openai`",
            "see the README for the target fields",
        )
    if "api_key" in value:
        raise AacError(
            f"{STACK_FILE}: target {name!r} holds an API key; a key never sits in a file",
            "remove it, and name the variable that holds it instead: `api_key_env: OPENAI_API_KEY`",
        )
    return Target(
        name=name,
        type=value["type"],
        path=value.get("path") or (".aac/sandbox.db" if value["type"] == "sandbox" else None),
        base_url=value.get("base_url"),
        api_key_env=value.get("api_key_env") or ("OPENAI_API_KEY" if value["type"] == "openai" else None),
        organization=value.get("organization"),
        project=value.get("project"),
    )

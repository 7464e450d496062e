"""One import's state, shared by the kinds' `import_manifest` hooks: the files to write and the keys given.

An object an earlier run wrote keeps its key and its file is not written again; every key given is known
by live id, so a manifest names the objects it uses by key (an assistant its store, an agent its credential).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from aac.importer.keys import Keys
from aac.manifest.writing import Source, Written
from aac.resources import DesiredState

JSON = dict[str, Any]
T = TypeVar("T")


@dataclass
class ImportRun:
    src: Source
    desired: DesiredState
    snapshot: Mapping[str, Any]
    earlier: Mapping[str, tuple[str, str]]  # live id -> (kind, key) of manifests an earlier import wrote
    keys: Keys
    written: Written = field(default_factory=Written)
    imported: dict[str, tuple[str, str]] = field(default_factory=dict)  # live id -> (kind, key)
    keys_by_id: dict[str, str] = field(default_factory=dict)  # live id -> key: this stack's, and given now
    schemas: dict[str, Any] = field(default_factory=dict)  # function schemas written, shared by every manifest
    kept_state: dict[str, Any] = field(default_factory=dict)  # what kinds keep across the run, by name
    parent_keys: dict[str, Keys] = field(default_factory=dict)  # a child's keys, unique within its parent's

    def claim(self, kind: str, raw: Mapping[str, Any], fallback: str, parent: str | None = None) -> str:
        kind_key = self.earlier.get(raw["id"]) or (kind, self._new_key(raw, fallback, parent))
        self.imported[raw["id"]] = kind_key
        self.keys_by_id[raw["id"]] = kind_key[1]
        return kind_key[1]

    def _new_key(self, raw: Mapping[str, Any], fallback: str, parent: str | None) -> str:
        if parent is None:
            return self.keys.claim(raw.get("name"), fallback)
        return f"{parent}/{self.parent_keys.setdefault(parent, Keys(())).claim(raw.get('name'), fallback)}"

    def kept(self, name: str, make: Callable[[], T]) -> T:
        """What a kind keeps for the rest of the run under `name`, made by `make` the first time it asks."""
        if name not in self.kept_state:
            self.kept_state[name] = make()
        return cast(T, self.kept_state[name])

    def fresh(self, raw: Mapping[str, Any]) -> bool:
        return raw["id"] not in self.earlier

    def add(self, key: str, text: str) -> None:
        self.written.add(self.src.out_dir / f"{key}.yaml", text)

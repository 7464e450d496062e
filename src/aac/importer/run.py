"""One import's state, shared by the kinds' `import_manifest` hooks: the files to write and the keys given.

An object an earlier run wrote keeps its key and its file is not written again; every key given is known
by live id, so a manifest names the objects it uses by key (an assistant its store, an agent its credential).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aac.identity import owner_of
from aac.importer.keys import Keys
from aac.limits import USER_METADATA_PAIRS_MAX
from aac.manifest.writing import Source, Written, check_metadata, check_round_trip
from aac.resources import CREDENTIAL, DesiredState

JSON = dict[str, Any]


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
    variables: set[str] = field(default_factory=set)  # secret variable names taken

    def __post_init__(self) -> None:
        from aac.kinds.credential import secret_sources

        credentials = self.desired.of(CREDENTIAL).values()
        self.variables |= {v for spec in credentials for v in secret_sources(spec.auth).values()}

    def claim(self, kind: str, raw: Mapping[str, Any], fallback: str) -> str:
        kind_key = self.earlier.get(raw["id"]) or (kind, self.keys.claim(raw.get("name"), fallback))
        self.imported[raw["id"]] = kind_key
        self.keys_by_id[raw["id"]] = kind_key[1]
        return kind_key[1]

    def fresh(self, raw: Mapping[str, Any]) -> bool:
        return raw["id"] not in self.earlier

    def add(self, key: str, text: str) -> None:
        self.written.add(self.src.out_dir / f"{key}.yaml", text)

    def credentials(self, vault: Mapping[str, Any], vault_key: str) -> list[tuple[JSON, str]]:
        """The vault's untagged credentials with their keys (VAULT/CREDENTIAL): those an earlier run wrote,
        when it wrote the vault's manifest."""
        listed = [c for c in (self.snapshot.get("credentials") or {}).get(vault["id"], [])
                  if owner_of(c.get("metadata")) is None]
        if vault["id"] in self.earlier:
            listed = [c for c in listed if c["id"] in self.earlier]
        names = Keys(())
        pairs = []
        for raw in sorted(listed, key=lambda c: (str(c.get("name") or ""), c["id"])):
            check_metadata("credential", raw, USER_METADATA_PAIRS_MAX - 1)  # and aac-secret-version
            check_round_trip("credential", raw)
            earlier = self.earlier.get(raw["id"])
            key = earlier[1] if earlier else f"{vault_key}/{names.claim(raw.get('name'), 'credential')}"
            self.imported[raw["id"]] = (CREDENTIAL, key)
            self.keys_by_id[raw["id"]] = key
            pairs.append((raw, key))
        return pairs

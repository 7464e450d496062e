"""Which live objects `aac import` takes: the KEYs asked for (ids or names), or every untagged one.

Only objects that carry no tool's tags can be imported: an object of this stack is managed
already, and one of another stack belongs to that stack. An assistant brings the vector
store it searches along (when that store is untagged too), and an agent the vault holding
each credential its MCP tools name (`add_vaults`, once the vaults' credentials are read).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aac.errors import AacError
from aac.identity import owner_of
from aac.kinds import KINDS
from aac.kinds.agent.importer import brought_along
from aac.kinds.assistant.canonical import store_ids_of
from aac.kinds.base import Child, Importable
from aac.resources import AGENT, ASSISTANT, VAULT, VECTOR_STORE

JSON = dict[str, Any]
# What KEYs name: each kind import writes manifests for, except a child kind (a vault brings its credentials).
IMPORTABLE = {kind.name: kind.collection for kind in KINDS
              if isinstance(kind, Importable) and not isinstance(kind, Child)}


@dataclass
class Selection:
    """The live objects to import, as the API returned them, by kind, in a stable order."""

    # Credentials only by themselves when an earlier import wrote them and adopted their vault, not them.
    objects: dict[str, list[JSON]] = field(
        default_factory=lambda: {kind.name: [] for kind in KINDS if isinstance(kind, Importable)})

    def add(self, kind: str, raw: JSON) -> None:
        target = self.objects[kind]
        if all(o["id"] != raw["id"] for o in target):
            target.append(raw)

    def sort(self) -> None:
        for objects in self.objects.values():
            objects.sort(key=lambda r: (str(r.get("name") or ""), r["id"]))

    @property
    def assistants(self) -> list[JSON]:
        return self.objects[ASSISTANT]

    @property
    def stores(self) -> list[JSON]:
        return self.objects[VECTOR_STORE]

    @property
    def agents(self) -> list[JSON]:
        return self.objects[AGENT]

    @property
    def vaults(self) -> list[JSON]:
        return self.objects[VAULT]

    @property
    def empty(self) -> bool:
        return not any(self.objects.values())


def raws_of(snapshot: Mapping[str, Any], collection: str) -> list[JSON]:
    """A snapshot's objects of one collection: a list, or lists by parent (credentials by vault id)."""
    listed = snapshot.get(collection) or []
    if isinstance(listed, Mapping):
        return [raw for group in listed.values() for raw in group]
    return list(listed)


def select(keys: Sequence[str], import_all: bool, snapshot: Mapping[str, Any], stack: str) -> Selection:
    """The objects KEYs name (or all untagged ones with --all), plus the untagged stores they search."""
    by_kind = {kind: list(snapshot.get(collection) or []) for kind, collection in IMPORTABLE.items()}
    if not keys and not import_all:
        raise AacError("nothing to import: name what to import",
                       "pass live ids or names (asst_..., vs_..., agent_..., vault_..., or an object's name), "
                       "or --all")
    chosen = Selection()
    for kind, objects in by_kind.items():
        for raw in objects:
            if import_all and owner_of(raw.get("metadata")) is None:
                chosen.add(kind, raw)
    for key in keys:
        kind, raw = _resolve(key, by_kind)
        _check_untagged(key, kind, raw, stack)
        chosen.add(kind, raw)
    stores_by_id = {raw["id"]: raw for raw in by_kind[VECTOR_STORE]}
    for assistant in list(chosen.assistants):
        for store_id in store_ids_of(assistant)[:1]:
            store = stores_by_id.get(store_id)
            if store is not None and owner_of(store.get("metadata")) is None:
                chosen.add(VECTOR_STORE, store)
    chosen.sort()
    return chosen


def add_vaults(chosen: Selection, vaults: Sequence[JSON], credentials: Mapping[str, list[JSON]], stack: str,
               resumed: Collection[str] = ()) -> None:
    """Add what the chosen agents bring along: the untagged vaults holding the credentials they name, and the
    credentials an earlier import wrote (`resumed`, by id) whose vault it adopted but not them
    (aac.kinds.agent.importer.brought_along, which raises when one cannot be imported)."""
    for kind, raw in brought_along(chosen.agents, vaults, credentials, stack, resumed):
        chosen.add(kind, raw)
    chosen.sort()


def _resolve(key: str, by_kind: Mapping[str, list[JSON]]) -> tuple[str, JSON]:
    for kind, objects in by_kind.items():
        for raw in objects:
            if raw["id"] == key:
                return kind, raw
    named = [(kind, raw) for kind, objects in by_kind.items() for raw in objects if raw.get("name") == key]
    if len(named) == 1:
        return named[0]
    if named:
        ids = ", ".join(sorted(raw["id"] for _, raw in named))
        raise AacError(f"{len(named)} live objects are named {key!r}: {ids}", "import by id instead of by name")
    if key.startswith("cred_"):
        raise AacError(f"{key} is a credential: import takes a credential with its vault",
                       "import the vault that holds it (vault_... or its name), or an agent that uses it")
    raise AacError(f"no live assistant, vector store, agent or vault has the id or name {key!r}",
                   "check the id (asst_..., vs_..., agent_..., vault_...) or the exact name; "
                   "`aac import --all` takes every untagged one")


def _check_untagged(key: str, kind: str, raw: Mapping[str, Any], stack: str) -> None:
    owner = owner_of(raw.get("metadata"))
    if owner is None:
        return
    named = key if key == raw["id"] else f"{key} ({raw['id']})"
    if owner[0] == stack:
        raise AacError(f"{named} is managed already: it is {kind}.{owner[1]} of this stack",
                       "edit its manifest instead of importing it")
    raise AacError(f"{named} belongs to stack {owner[0]!r} as {kind}.{owner[1]}",
                   "import it from that stack's repository, or remove its aac tags there first")

"""Which live objects `aac import` takes: the KEYs asked for (ids or names), or every untagged one.

Only objects that carry no tool's tags can be imported: an object of this stack is managed
already, and one of another stack belongs to that stack. An assistant brings the vector
store it searches along (when that store is untagged too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aac.errors import AacError
from aac.identity import owner_of

JSON = dict[str, Any]


@dataclass
class Selection:
    """The live objects to import, as the API returned them, in a stable order."""

    assistants: list[JSON] = field(default_factory=list)
    stores: list[JSON] = field(default_factory=list)

    def add(self, kind: str, raw: JSON) -> None:
        target = self.assistants if kind == "assistant" else self.stores
        if all(o["id"] != raw["id"] for o in target):
            target.append(raw)

    @property
    def empty(self) -> bool:
        return not self.assistants and not self.stores


def store_ids(raw: Mapping[str, Any]) -> list[str]:
    resources = raw.get("tool_resources") or {}
    return list((resources.get("file_search") or {}).get("vector_store_ids") or [])


def code_file_ids(raw: Mapping[str, Any]) -> list[str]:
    resources = raw.get("tool_resources") or {}
    return list((resources.get("code_interpreter") or {}).get("file_ids") or [])


def select(keys: Sequence[str], import_all: bool, assistants: Iterable[JSON], stores: Iterable[JSON],
           stack: str) -> Selection:
    """The objects KEYs name (or all untagged ones with --all), plus the untagged stores they search."""
    by_kind = {"assistant": list(assistants), "vector_store": list(stores)}
    if not keys and not import_all:
        raise AacError("nothing to import: name what to import",
                       "pass live ids or names (asst_..., vs_..., or an object's name), or --all")
    chosen = Selection()
    for kind, objects in by_kind.items():
        for raw in objects:
            if import_all and owner_of(raw.get("metadata")) is None:
                chosen.add(kind, raw)
    for key in keys:
        kind, raw = _resolve(key, by_kind)
        _check_untagged(key, kind, raw, stack)
        chosen.add(kind, raw)
    stores_by_id = {raw["id"]: raw for raw in by_kind["vector_store"]}
    for assistant in list(chosen.assistants):
        for store_id in store_ids(assistant)[:1]:
            store = stores_by_id.get(store_id)
            if store is not None and owner_of(store.get("metadata")) is None:
                chosen.add("vector_store", store)
    chosen.assistants.sort(key=lambda r: (str(r.get("name") or ""), r["id"]))
    chosen.stores.sort(key=lambda r: (str(r.get("name") or ""), r["id"]))
    return chosen


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
    raise AacError(f"no live assistant or vector store has the id or name {key!r}",
                   "check the id (asst_..., vs_...) or the exact name; `aac import --all` takes every untagged one")


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

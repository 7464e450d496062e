"""Adoption: the plan that tags imported objects for this stack, and the writes that do it.

The plan is the ordinary diff against live state in which the imported objects already
carry the tags adoption will write, so it shows exactly what adoption changes (the tags)
and, for an object the manifests could not describe exactly, what `aac apply` would change
next. The tags carry `aac-spec`, the hash of the desired canonical spec exactly as apply
writes it, so the plan after adoption is empty.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from aac.api.writer import Writer
from aac.canonical import server_metadata, user_metadata
from aac.errors import AacError
from aac.identity import spec_hash, tags
from aac.importer.select import raws_of
from aac.kinds import KINDS, Kind, kind_of
from aac.kinds.base import WriteOnlyFields
from aac.live import index_live
from aac.model.plan import Action, Change, Plan
from aac.plan.diff import diff
from aac.resources import VECTOR_STORE, VECTOR_STORE_FILE, DesiredState, LiveObject

ADOPT_REASON = "adopted: aac adds this stack's tags"
MORE_REASON = "adopted: aac adds this stack's tags; `aac apply` then makes the other changes shown"


@dataclass(frozen=True)
class Adoptee:
    kind: str  # a kind's name (aac.kinds)
    key: str
    id: str
    metadata: Mapping[str, str]  # the user's metadata and this stack's tags: the whole update
    raw: Mapping[str, Any]  # the object as listed
    tags: Mapping[str, str]  # what adoption adds: this stack's tags and the kind's own (Kind.extra_tags)

    @property
    def address(self) -> str:
        return f"{self.kind}.{self.key}"


def adoptees(desired: DesiredState, hashes: Mapping[str, str], imported: Mapping[str, tuple[str, str]],
             raws: Mapping[str, Mapping[str, Any]]) -> list[Adoptee]:
    """Each imported object with the metadata adoption writes (`imported`: live id -> (kind, key))."""
    result = []
    live = index_live({}, desired.stack)  # nothing of the stack yet: ids compare as ids
    unread = sorted(f"{kind}.{key}" for kind, key in imported.values() if key not in kind_of(kind).desired(desired))
    if unread:  # written where the loader does not look: adopting would tag objects no manifest declares
        raise AacError(f"the manifests import wrote for {', '.join(unread[:3])} are not among those aac loads; "
                       "nothing was adopted", "move them into the manifests folder, then run `aac import` again "
                       "to adopt them")
    for live_id, (kind_name, key) in sorted(imported.items(), key=lambda item: item[1]):
        kind = kind_of(kind_name)
        spec = kind.desired(desired)[key]
        canonical = kind.canonical(spec, hashes, live)
        # The server's own keys go back as they are: llama-stack cannot index a store without them.
        raw_metadata = kind.tags(raws[live_id])
        extra = kind.extra_tags(spec) if isinstance(kind, WriteOnlyFields) else {}
        new_tags = {**tags(desired.stack, key, spec_hash(canonical)), **extra}
        metadata = {**server_metadata(raw_metadata), **user_metadata(raw_metadata), **new_tags}
        result.append(Adoptee(kind_name, key, live_id, metadata, raws[live_id], new_tags))
    return result


def adoption_plan(desired: DesiredState, hashes: Mapping[str, str], snapshot: Mapping[str, Any],
                  adopting: list[Adoptee], *, target: str, now: str) -> Plan:
    live = index_live(_tagged(snapshot, adopting), desired.stack)
    plan = diff(desired, hashes, live, target=target, now=now)
    by_address = {a.address: a for a in adopting}
    stores = {a.key for a in adopting if a.kind == VECTOR_STORE}
    changes = []
    for change in plan.changes:
        adoptee = by_address.get(change.address)
        if adoptee is not None:
            changes.append(_with_tags(change, adoptee))
        elif change.kind == VECTOR_STORE_FILE and change.name.split("/", 1)[0] in stores:
            changes.append(change)
    # The storage is the stack's once these objects are its own: the adopted stores' usage as they report it.
    return Plan(stack=plan.stack, target=plan.target, manifest_digest=plan.manifest_digest, changes=(),
                created_at=now, cost=plan.cost, requests=plan.requests).with_changes(tuple(changes))


def write_tags(writer: Writer, adopting: list[Adoptee], *, parallelism: int = 4) -> None:
    """One metadata update per object, concurrently, kind by kind in the registry's order: no object is
    tagged before the objects it names."""
    with ThreadPoolExecutor(max_workers=max(1, parallelism)) as pool:
        for kind in KINDS:
            batch = [a for a in adopting if a.kind == kind.name]
            list(pool.map(functools.partial(_tag, writer, kind), batch))  # re-raises the first failure


def _tag(writer: Writer, kind: Kind, adoptee: Adoptee) -> None:
    obj = LiveObject(adoptee.id, adoptee.key, adoptee.raw)
    kind.update(writer, obj, kind.tagged(obj, adoptee.metadata))


def _tagged(snapshot: Mapping[str, Any], adopting: list[Adoptee]) -> dict[str, Any]:
    tagged = copy.deepcopy(dict(snapshot))
    metadata = {a.id: a.metadata for a in adopting}
    for kind in KINDS:
        for raw in raws_of(tagged, kind.collection):
            if raw.get("id") in metadata:
                raw.update(kind.tagged(LiveObject(raw["id"], "", raw), metadata[raw["id"]]))
    return tagged


def _with_tags(change: Change, adoptee: Adoptee) -> Change:
    new_tags = dict(adoptee.tags)
    before = {**(change.before or {}), "tags": {}}
    after = {**(change.after or {}), "tags": new_tags}
    if change.action is Action.NOOP:
        return Change(change.address, change.kind, change.name, Action.UPDATE, change.id, ("tags",),
                      {"tags": {}}, {"tags": new_tags}, change.live_fingerprint, ADOPT_REASON)
    return Change(change.address, change.kind, change.name, change.action, change.id,
                  (*change.changed_fields, "tags"), before, after, change.live_fingerprint, MORE_REASON)

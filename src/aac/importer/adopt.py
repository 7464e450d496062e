"""Adoption: the plan that tags imported objects for this stack, and the writes that do it.

The plan is the ordinary diff against live state in which the imported objects already
carry the tags adoption will write, so it shows exactly what adoption changes (the tags)
and, for an object the manifests could not describe exactly, what `aac apply` would change
next. The tags carry `aac-spec`, the hash of the desired canonical spec exactly as apply
writes it, so the plan after adoption is empty.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from aac.api.writer import Writer
from aac.canonical import canonical_assistant, canonical_vector_store, server_metadata, user_metadata
from aac.diff import diff
from aac.identity import spec_hash, tags
from aac.live import index_live
from aac.plan import Action, Change, Plan
from aac.resources import ASSISTANT, TAGS, VECTOR_STORE, VECTOR_STORE_FILE, DesiredState

ADOPT_REASON = "adopted: aac adds this stack's tags"
MORE_REASON = "adopted: aac adds this stack's tags; `aac apply` then makes the other changes shown"


@dataclass(frozen=True)
class Adoptee:
    kind: str  # assistant | vector_store
    key: str
    id: str
    metadata: Mapping[str, str]  # the user's metadata and this stack's tags: the whole update

    @property
    def address(self) -> str:
        return f"{self.kind}.{self.key}"


def adoptees(desired: DesiredState, hashes: Mapping[str, str], imported: Mapping[str, tuple[str, str]],
             raws: Mapping[str, Mapping[str, Any]]) -> list[Adoptee]:
    """Each imported object with the metadata adoption writes (`imported`: live id -> (kind, key))."""
    result = []
    for live_id, (kind, key) in sorted(imported.items(), key=lambda item: item[1]):
        if kind == ASSISTANT:
            canonical = canonical_assistant(desired.assistants[key], hashes)
        else:
            canonical = canonical_vector_store(desired.vector_stores[key])
        # The server's own keys go back as they are: llama-stack cannot index a store without them.
        raw_metadata = raws[live_id].get("metadata")
        metadata = {**server_metadata(raw_metadata), **user_metadata(raw_metadata),
                    **tags(desired.stack, key, spec_hash(canonical))}
        result.append(Adoptee(kind, key, live_id, metadata))
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
    return Plan(stack=plan.stack, target=plan.target, manifest_digest=plan.manifest_digest, changes=(),
                created_at=now, requests=plan.requests).with_changes(tuple(changes))


def write_tags(writer: Writer, adopting: list[Adoptee], *, parallelism: int = 4) -> None:
    """One metadata update per object, concurrently: stores first, so no assistant is tagged before its store."""
    with ThreadPoolExecutor(max_workers=max(1, parallelism)) as pool:
        for kind in (VECTOR_STORE, ASSISTANT):
            batch = [a for a in adopting if a.kind == kind]
            list(pool.map(lambda adoptee: _tag(writer, adoptee), batch))  # re-raises the first failure


def _tag(writer: Writer, adoptee: Adoptee) -> None:
    body = {"metadata": dict(adoptee.metadata)}
    if adoptee.kind == VECTOR_STORE:
        writer.update_vector_store(adoptee.id, body)
    else:
        writer.update_assistant(adoptee.id, body)


def _tagged(snapshot: Mapping[str, Any], adopting: list[Adoptee]) -> dict[str, Any]:
    tagged = copy.deepcopy(dict(snapshot))
    metadata = {a.id: a.metadata for a in adopting}
    for collection in ("assistants", "vector_stores"):
        for raw in tagged.get(collection) or []:
            if raw.get("id") in metadata:
                raw["metadata"] = dict(metadata[raw["id"]])
    return tagged


def _with_tags(change: Change, adoptee: Adoptee) -> Change:
    new_tags = {k: v for k, v in adoptee.metadata.items() if k in TAGS}
    before = {**(change.before or {}), "tags": {}}
    after = {**(change.after or {}), "tags": new_tags}
    if change.action is Action.NOOP:
        return Change(change.address, change.kind, change.name, Action.UPDATE, change.id, ("tags",),
                      {"tags": {}}, {"tags": new_tags}, change.live_fingerprint, ADOPT_REASON)
    return Change(change.address, change.kind, change.name, change.action, change.id,
                  (*change.changed_fields, "tags"), before, after, change.live_fingerprint, MORE_REASON)

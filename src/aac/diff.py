"""The diff: desired state against live state, a pure function with no I/O.

Set arithmetic on keys: desired minus live is create, live minus desired is delete,
both is compare. Comparison is on the canonical form (aac.canonical). Write-only
fields are compared through the aac-spec tag, which holds the hash of the full
canonical spec last applied, so a plan right after an apply is always empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from aac.canonical import (
    JSON,
    UNKNOWN_ID,
    canonical_assistant,
    canonical_live_assistant,
    canonical_live_vector_store,
    canonical_vector_store,
)
from aac.compare import compare
from aac.diff_files import StoreFiles, attachment_changes, file_changes
from aac.diff_uploads import kept_by_id, kept_foreign, kept_shas, uploads_in_use
from aac.estimate import TextSizes
from aac.identity import fingerprint, is_protected, owner_of
from aac.output import plural
from aac.plan import Action, Change, Cost, Plan
from aac.resources import (
    ASSISTANT,
    VECTOR_STORE,
    DesiredState,
    LiveAssistant,
    LiveState,
    LiveVectorStore,
)

__all__ = [
    "canonical_assistant",
    "canonical_live_assistant",
    "canonical_live_vector_store",
    "canonical_vector_store",
    "compare",
    "diff",
]

DESTROY_REASON = "destroy deletes everything the stack owns"
NOTE_NAMES = 5  # assistants named in the one-line note; the rest are counted
EXPIRED_REASON = "the store expired (expires_after), so it is rebuilt"
# Fields the API cannot change in place on a vector store: the store is rebuilt.
REPLACE_REASONS = {
    "chunking_strategy": "chunking_strategy applies to each file when it is attached, so the store is rebuilt",
    "description": "a vector store's description can only be set when the store is created",
}


@dataclass
class _Diff:
    desired: DesiredState
    hashes: Mapping[str, str]
    live: LiveState
    destroy: bool
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    kept: list[tuple[str, Mapping[str, Any]]] = field(default_factory=list)  # protected, not in manifests

    def wanted(self, specs: Mapping[str, Any]) -> dict[str, Any]:
        return {} if self.destroy else dict(specs)

    def keep_or_delete(self, kind: str, key: str, obj: LiveAssistant | LiveVectorStore) -> Change:
        address = f"{kind}.{key}"
        metadata = obj.raw.get("metadata")
        spec = (self.desired.assistants if kind == ASSISTANT else self.desired.vector_stores).get(key)
        common: dict[str, Any] = {
            "id": obj.id, "before": self.live_form(kind, obj), "live_fingerprint": fingerprint(obj.raw)
        }
        if is_protected(metadata) or (spec is not None and spec.protect):
            how = "destroy keeps it" if self.destroy else "it is kept although no manifest declares it"
            self.warnings.append(f"{address} is protected (protect: true): {how}, and the files it uses; "
                                 "to delete it, apply its manifest with `protect: false` first")
            self.kept.append((address, obj.raw))
            return Change(address, kind, key, Action.NOOP, reason="protected", **common)
        why = DESTROY_REASON if self.destroy else "no manifest declares it"
        return Change(address, kind, key, Action.DELETE, reason=why, **common)

    def live_form(self, kind: str, obj: Any) -> JSON:
        if kind == ASSISTANT:
            return canonical_live_assistant(obj, self.live)
        return canonical_live_vector_store(obj, self.live)


def _tag(obj: LiveAssistant | LiveVectorStore) -> str:
    owner = owner_of(obj.raw.get("metadata"))
    return owner[2] if owner else ""


def _object_change(kind: str, key: str, after: JSON, obj: Any, before: JSON) -> Change:
    address = f"{kind}.{key}"
    if obj is None:
        return Change(address, kind, key, Action.CREATE, after=after)
    changed, aligned = compare(kind, after, before, _tag(obj))
    common: dict[str, Any] = {"id": obj.id, "before": aligned, "after": after,
                              "live_fingerprint": fingerprint(obj.raw), "changed_fields": tuple(changed)}
    if not changed:
        return Change(address, kind, key, Action.NOOP, **common)
    rebuild = [REPLACE_REASONS[f] for f in changed if kind == VECTOR_STORE and f in REPLACE_REASONS]
    if rebuild:
        return Change(address, kind, key, Action.REPLACE, reason="; ".join(rebuild), **common)
    return Change(address, kind, key, Action.UPDATE, **common)


def _stores(d: _Diff) -> list[Change]:
    wanted = d.wanted(d.desired.vector_stores)
    changes = []
    for key in sorted(set(wanted) | set(d.live.vector_stores)):
        obj = d.live.vector_stores.get(key)
        if key not in wanted:
            changes.append(d.keep_or_delete(VECTOR_STORE, key, obj))  # type: ignore[arg-type]
            continue
        before = canonical_live_vector_store(obj, d.live) if obj else {}
        change = _object_change(VECTOR_STORE, key, canonical_vector_store(wanted[key]), obj, before)
        changes.append(_rebuild_expired(change, obj))
    return changes


def _rebuild_expired(change: Change, obj: LiveVectorStore | None) -> Change:
    """An expired store cannot be searched or attached to again (API_FACTS 3.3): rebuild it."""
    if obj is None or obj.raw.get("status") != "expired" or change.action is Action.REPLACE:
        return change
    return replace(change, action=Action.REPLACE, reason=EXPIRED_REASON)


def _assistants(d: _Diff, replaced_stores: set[str]) -> list[Change]:
    if not d.live.assistants_supported:
        return []  # configuration there, not live objects (see _notes)
    wanted = d.wanted(d.desired.assistants)
    changes = []
    for key in sorted(set(wanted) | set(d.live.assistants)):
        obj = d.live.assistants.get(key)
        if key not in wanted:
            changes.append(d.keep_or_delete(ASSISTANT, key, obj))  # type: ignore[arg-type]
            continue
        before = canonical_live_assistant(obj, d.live) if obj else {}
        after = _resolve_ids(canonical_assistant(wanted[key], d.hashes), d.live)
        change = _object_change(ASSISTANT, key, after, obj, before)
        changes.append(_repoint(change, wanted[key].vector_store, replaced_stores))
    return changes


def _repoint(change: Change, store: str | None, replaced_stores: set[str]) -> Change:
    """An assistant whose store is rebuilt must point at the new one: an update."""
    if store not in replaced_stores or change.action not in (Action.NOOP, Action.UPDATE):
        return change
    fields = tuple(dict.fromkeys((*change.changed_fields, "vector_store")))
    return Change(change.address, change.kind, change.name, Action.UPDATE, change.id, fields, change.before,
                  change.after, change.live_fingerprint, f"its vector store vector_store.{store} is rebuilt")


def _resolve_ids(after: JSON, live: LiveState) -> JSON:
    """A code-interpreter file named by id that is this stack's own upload compares by content, as live does."""
    shas = {f.id: f.sha256 for f in live.files.values() if f.sha256}
    files = after.get("code_interpreter_files") or []
    resolved = sorted({shas.get(f.removeprefix(UNKNOWN_ID), f) if f.startswith(UNKNOWN_ID) else f for f in files})
    return {**after, "code_interpreter_files": resolved} if resolved != files else after


def _store_files(d: _Diff, store_changes: Iterable[Change]) -> list[StoreFiles]:
    result = []
    for change in store_changes:
        if change.action in (Action.DELETE,) or change.reason == "protected":
            continue
        spec = d.desired.vector_stores[change.name]
        live = d.live.vector_stores.get(change.name)
        if live is None or change.action is Action.REPLACE:
            result.append(StoreFiles(change.name, spec.files, (), spec.file_ids, 0, spec.chunking_strategy))
            continue
        usage = int(live.raw.get("usage_bytes") or 0)  # the estimate starts from what the store reports
        result.append(StoreFiles(change.name, spec.files, live.files, spec.file_ids, usage, spec.chunking_strategy))
    return result


def diff(desired: DesiredState, hashes: Mapping[str, str], live: LiveState, *, target: str, now: str,
         destroy: bool = False) -> Plan:
    """The plan that makes `live` match `desired` (or, with destroy, removes what the stack owns)."""
    d = _Diff(desired, hashes, live, destroy)
    stores = _stores(d)
    replaced = {c.name for c in stores if c.action is Action.REPLACE}
    assistants = _assistants(d, replaced)
    wanted_paths = _wanted_paths(d)
    sizes = {path: local.size for path, local in desired.files.items()}
    text_sizes = TextSizes(desired.files)
    attachments, storage_after = attachment_changes(_store_files(d, stores), hashes, text_sizes, live)
    attachments = _without_unread_stores(d, stores, attachments)
    referenced, known_paths = uploads_in_use(live)
    keep = {**kept_foreign(d, {hashes[p] for p in wanted_paths}), **kept_by_id(d), **kept_shas(d)}
    files, freed = file_changes(desired.stack, wanted_paths, hashes, sizes, live, keep=keep,
                                referenced=referenced, known_paths=known_paths,
                                delete_reason=DESTROY_REASON if destroy else None)
    storage_after += sum(int(raw.get("usage_bytes") or 0) for a, raw in d.kept if a.startswith(VECTOR_STORE))
    cost = Cost(_storage(live), storage_after, freed)
    plan = Plan(stack=desired.stack, target=target, manifest_digest=desired.manifest_digest, changes=(),
                created_at=now, cost=cost, requests=live.requests, mode="destroy" if destroy else "normal",
                warnings=tuple(sorted(d.warnings)), notes=_notes(d))
    return plan.with_changes((*_refuse_protected_rebuilds(d, (*stores, *assistants)), *attachments, *files))


def _refuse_protected_rebuilds(d: _Diff, changes: Iterable[Change]) -> list[Change]:
    """A rebuild deletes the old object, which `protect: true` forbids: the plan marks it, apply refuses it."""
    result = []
    for change in changes:
        live = (d.live.assistants if change.kind == ASSISTANT else d.live.vector_stores).get(change.name)
        spec = (d.desired.assistants if change.kind == ASSISTANT else d.desired.vector_stores).get(change.name)
        protected = (live is not None and is_protected(live.raw.get("metadata"))) or (spec is not None and spec.protect)
        if change.action is Action.REPLACE and protected:
            change = replace(change, refused=f"it is protected (protect: true), and a replace deletes the old "
                                             f"{change.kind.replace('_', ' ')}")
        result.append(change)
    return result


def _without_unread_stores(d: _Diff, stores: list[Change], attachments: list[Change]) -> list[Change]:
    """A store whose listing fell short of its own file_counts is not touched file by file: attaching
    what seems missing would duplicate, detaching what seems extra would drop (an incomplete read)."""
    rebuilt = {c.name for c in stores if c.action in (Action.REPLACE, Action.DELETE)}
    short = {key: live for key, live in d.live.vector_stores.items() if live.unread and key not in rebuilt}
    for key, live in sorted(short.items()):
        listed = len(live.files)
        d.warnings.append(f"{VECTOR_STORE}.{key} ({live.id}): the server listed {listed} of its "
                          f"{listed + live.unread} files, an incomplete read, so this plan neither attaches nor "
                          "detaches its files; plan again, and see the README's compatibility table if it persists")
    return [c for c in attachments if c.action is Action.NOOP or c.store_key not in short]


def _wanted_paths(d: _Diff) -> set[str]:
    paths: set[str] = set()
    for spec in d.wanted(d.desired.vector_stores).values():
        paths.update(spec.files)
    for assistant in d.wanted(d.desired.assistants).values():
        paths.update(assistant.code_interpreter_files)  # on a target without assistants: a container's files
    return paths


def _notes(d: _Diff) -> tuple[str, ...]:
    """On a target without the Assistants API, the assistants are configuration: say so once."""
    keys = sorted(d.wanted(d.desired.assistants))
    if d.live.assistants_supported or not keys:
        return ()
    named = ", ".join(keys[:NOTE_NAMES]) + (f" and {len(keys) - NOTE_NAMES} more" if len(keys) > NOTE_NAMES else "")
    return (f"{plural(len(keys), 'assistant')} ({named}) {'is' if len(keys) == 1 else 'are'} "
            "configuration on this target, which has no Assistants API: their files and vector stores are "
            "provisioned; `aac output --format responses` gives their Responses API request fields",)


def _storage(live: LiveState) -> int:
    return sum(int(store.raw.get("usage_bytes") or 0) for store in live.vector_stores.values())


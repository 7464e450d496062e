"""The diff: desired state against live state, a pure function with no I/O.

Set arithmetic on keys: desired minus live is create, live minus desired is delete,
both is compare, kind by kind through each kind's hooks (aac.kinds), on its canonical
form (aac.plan.compare). Write-only fields are compared through the aac-spec tag, which
holds the hash of the full canonical spec last applied, so a plan right after an apply is
always empty. Files and vector-store attachments are content, diffed by aac.plan.files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from aac.estimate import TextSizes
from aac.identity import is_protected, spec_hash
from aac.kinds import KINDS, Kind, kind_of
from aac.kinds.base import HoldsFiles, adjust, configuration_note, refs, refs_field, replace_reasons
from aac.model.plan import Action, Change, Cost, Plan
from aac.output import plural
from aac.plan.compare import compare
from aac.plan.files import StoreFiles, attachment_changes, file_changes
from aac.plan.uploads import kept_by_id, kept_foreign, kept_shas, uploads_in_use
from aac.resources import VECTOR_STORE, DesiredState, LiveState

__all__ = ["compare", "diff"]

JSON = dict[str, Any]
DESTROY_REASON = "destroy deletes everything the stack owns"
IN_USE = "used by an object this stack does not own"
REPLACE_REQUESTED = "replace requested"
NOTE_NAMES = 5  # objects named in the one-line note; the rest are counted
ENV_NOTE_MAX = 200  # characters of a value from the environment its note quotes


@dataclass
class _Diff:
    desired: DesiredState
    hashes: Mapping[str, str]
    live: LiveState
    destroy: bool
    moved: Mapping[str, str] = field(default_factory=dict)  # new address -> the one its live object is tagged with
    replacing: frozenset[str] = frozenset()  # addresses `--replace` names
    changes: list[Change] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    kept: list[tuple[str, Mapping[str, Any]]] = field(default_factory=list)  # protected or in use, not wanted

    def wanted(self, kind: Kind) -> dict[str, Any]:
        return {} if self.destroy else dict(kind.desired(self.desired))

    def keep_or_delete(self, kind: Kind, key: str, obj: Any) -> Change:
        address = kind.address(key)
        spec = kind.desired(self.desired).get(key)
        common: dict[str, Any] = {
            "id": obj.id, "before": kind.canonical_live(obj, self.live), "live_fingerprint": kind.fingerprint(obj)
        }
        if is_protected(kind.tags(obj.raw)) or (spec is not None and spec.protect):
            how = "destroy keeps it" if self.destroy else "it is kept although no manifest declares it"
            self.warnings.append(f"{address} is protected (protect: true): {how}, and what it uses; "
                                 "to delete it, apply its manifest with `protect: false` first")
            self.kept.append((address, obj.raw))
            return Change(address, kind.name, key, Action.NOOP, reason="protected", **common)
        who = self.live.foreign_uses.get(obj.id)
        if who:  # as an upload such an object uses (aac.plan.uploads): deleting it would break that object
            how = "destroy keeps it" if self.destroy else "apply keeps it"
            self.warnings.append(f"{address} is used by {who}, which this stack does not own: {how}; let go of it "
                                 "there (or delete that object) to let aac delete it")
            self.kept.append((address, obj.raw))
            return Change(address, kind.name, key, Action.NOOP, reason=IN_USE, **common)
        why = DESTROY_REASON if self.destroy else "no manifest declares it"
        return Change(address, kind.name, key, Action.DELETE, reason=why, **common)


def _tag(kind: Kind, obj: Any) -> str:
    owner = kind.owner(obj.raw)
    return owner[2] if owner else ""


def _object_change(kind: Kind, key: str, after: JSON, obj: Any, before: JSON, requested: bool = False,
                   renamed: Mapping[str, str] | None = None) -> Change:
    """`requested`: `--replace` names it, so a live object is rebuilt whatever its fields say. `renamed`: new
    key -> old of the moved objects it names, which its aac-spec tag still names by the old key."""
    address = kind.address(key)
    if obj is None:
        return Change(address, kind.name, key, Action.CREATE, after=after)
    tag = _tag(kind, obj)
    retag = bool(renamed) and tag == spec_hash({**after, refs_field(kind): _renamed(after.get(refs_field(kind)),
                                                                                     renamed or {})})
    change = _compared(kind, key, after, obj, before, spec_hash(after) if retag else tag, requested)
    if not retag or change.action not in (Action.NOOP, Action.UPDATE):
        return change
    # As applied, but for the names of what it names: an update that rewrites its tag (no field of it changes).
    names = ", ".join(f"{old} -> {new}" for new, old in sorted((renamed or {}).items()))
    return replace(change, action=Action.UPDATE, changed_fields=tuple(dict.fromkeys((*change.changed_fields,
                   refs_field(kind)))), reason=change.reason or f"it names a moved object by its new name ({names})")


def _renamed(value: Any, renamed: Mapping[str, str]) -> Any:
    """`value` with every string that is a new name given its old one (a store's key, a credential's)."""
    if isinstance(value, str):
        return renamed.get(value, value)
    if isinstance(value, list | tuple):
        return [_renamed(v, renamed) for v in value]
    if isinstance(value, Mapping):
        return {k: _renamed(v, renamed) for k, v in value.items()}
    return value


def _compared(kind: Kind, key: str, after: JSON, obj: Any, before: JSON, tag: str, requested: bool) -> Change:
    address = kind.address(key)
    changed, aligned = compare(kind, after, before, tag)
    common: dict[str, Any] = {"id": obj.id, "before": aligned, "after": after,
                              "live_fingerprint": kind.fingerprint(obj), "changed_fields": tuple(changed)}
    rebuild = [replace_reasons(kind)[f] for f in changed if f in replace_reasons(kind)]
    if requested:
        return Change(address, kind.name, key, Action.REPLACE, reason="; ".join([REPLACE_REQUESTED, *rebuild]),
                      **common)
    if not changed:
        return adjust(kind, Change(address, kind.name, key, Action.NOOP, **common), obj)
    if rebuild:
        return Change(address, kind.name, key, Action.REPLACE, reason="; ".join(rebuild), **common)
    return adjust(kind, Change(address, kind.name, key, Action.UPDATE, **common), obj)


def _objects(d: _Diff, kind: Kind, rebuilt: set[tuple[str, str]]) -> list[Change]:
    """Create, compare or delete every object of a kind; `rebuilt`: (kind, key) of objects replaced."""
    if kind.name in d.live.unavailable:
        return []  # configuration there, not live objects (see _notes), or refused before the diff
    wanted, present = d.wanted(kind), kind.live(d.live)
    changes = []
    for key in sorted(set(wanted) | set(present)):
        obj = present.get(key)
        if key not in wanted:
            changes.append(d.keep_or_delete(kind, key, obj))
            continue
        before = kind.canonical_live(obj, d.live) if obj else {}
        change = _object_change(kind, key, kind.canonical(wanted[key], d.hashes, d.live), obj, before,
                                kind.address(key) in d.replacing, _renames(d, refs(kind, wanted[key])))
        change = _moved(change, d.moved.get(change.address))
        changes.append(_repoint(kind, change, [r for r in refs(kind, wanted[key]) if r in rebuilt]))
    return changes


def _renames(d: _Diff, refs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """New key -> old, of the moved objects among `refs`."""
    result = {}
    for ref_kind, ref_key in refs:
        previous = d.moved.get(kind_of(ref_kind).address(ref_key))
        if previous is not None:
            result[ref_key] = previous.split(".", 1)[1]
    return result


def _moved(change: Change, previous: str | None) -> Change:
    """A live object found under its old key (aac.plan.moves): at least an update, which retags it."""
    if previous is None:
        return change
    action = Action.UPDATE if change.action is Action.NOOP else change.action
    return replace(change, action=action, previous_address=previous)


def _repoint(kind: Kind, change: Change, rebuilt: list[tuple[str, str]]) -> Change:
    """An object that names one being rebuilt must point at the new one: an update of the field naming it."""
    if not rebuilt or change.action not in (Action.NOOP, Action.UPDATE):
        return change
    ref_kind, ref_key = rebuilt[0]
    fields = tuple(dict.fromkeys((*change.changed_fields, refs_field(kind))))
    label = kind_of(ref_kind).label
    return replace(change, action=Action.UPDATE, changed_fields=fields,
                   reason=f"its {label} {ref_kind}.{ref_key} is rebuilt")


def _store_files(d: _Diff, store_changes: Iterable[Change]) -> list[StoreFiles]:
    result = []
    for change in store_changes:
        if change.action in (Action.DELETE,) or change.reason in ("protected", IN_USE):
            continue
        kind = kind_of(change.kind)
        assert isinstance(kind, HoldsFiles)
        live = None if change.action is Action.REPLACE else kind.live(d.live).get(change.name)
        result.append(kind.held_files(change.name, kind.desired(d.desired)[change.name], live))
    return result


def diff(desired: DesiredState, hashes: Mapping[str, str], live: LiveState, *, target: str, now: str,
         destroy: bool = False, moved: Mapping[str, str] | None = None,
         replacing: Iterable[str] = ()) -> Plan:
    """The plan that makes `live` match `desired` (or, with destroy, removes what the stack owns).

    `moved`: new address -> old, for the live objects keyed anew by aac.plan.moves; `replacing`: the
    addresses to rebuild although their fields are unchanged (`--replace`)."""
    d = _Diff(desired, hashes, live, destroy, dict(moved or {}), frozenset(replacing))
    objects: list[Change] = []
    for kind in KINDS:
        rebuilt = {(c.kind, c.name) for c in objects if c.action is Action.REPLACE}
        objects += _objects(d, kind, rebuilt)
    stores = [c for c in objects if c.kind == VECTOR_STORE]
    wanted_paths = _wanted_paths(d)
    sizes = {path: local.size for path, local in desired.files.items()}
    text_sizes = TextSizes(desired.files)
    attachments, storage_after = attachment_changes(_store_files(d, stores), hashes, text_sizes, live)
    d.warnings += [f"{path}: its text could not be extracted ({why}); its storage is estimated from its size, "
                   "and the server will likely fail to index it" for path, why in text_sizes.unreadable.items()]
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
    return plan.with_changes((*_refuse_protected_rebuilds(d, objects), *attachments, *files))


def _refuse_protected_rebuilds(d: _Diff, changes: Iterable[Change]) -> list[Change]:
    """A rebuild deletes the old object, which `protect: true` forbids: the plan marks it, apply refuses it."""
    result = []
    for change in changes:
        kind = kind_of(change.kind)
        live = kind.live(d.live).get(change.name)
        spec = kind.desired(d.desired).get(change.name)
        protected = (live is not None and is_protected(kind.tags(live.raw))) or (spec is not None and spec.protect)
        who = d.live.foreign_uses.get(str(change.id))
        if change.action is Action.REPLACE and protected:
            change = replace(change, refused=f"it is protected (protect: true), and a replace deletes the old "
                                             f"{kind.label}")
        elif change.action is Action.REPLACE and who:
            change = replace(change, refused=f"{who}, which this stack does not own, uses it, and a replace "
                                             f"deletes the old {kind.label}")
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
                          "detaches its files; plan again, and see docs/servers.md for this server if it persists")
    return [c for c in attachments if c.action is Action.NOOP or c.store_key not in short]


def _wanted_paths(d: _Diff) -> set[str]:
    paths: set[str] = set()
    for kind in KINDS:  # an assistant's on a target without assistants too: a container's files there
        for spec in d.wanted(kind).values():
            paths.update(kind.paths(spec))
    return paths


def _notes(d: _Diff) -> tuple[str, ...]:
    """On a target without a kind's API, what is configuration there: said once per kind."""
    notes = []
    for kind in KINDS:
        keys = sorted(d.wanted(kind))
        note = configuration_note(kind)
        if kind.name not in d.live.unavailable or not keys or note is None:
            continue
        named = ", ".join(keys[:NOTE_NAMES]) + (f" and {len(keys) - NOTE_NAMES} more" if len(keys) > NOTE_NAMES else "")
        objects = f"{plural(len(keys), kind.label)} ({named}) {'is' if len(keys) == 1 else 'are'}"
        notes.append(note.format(objects=objects))
    return tuple(notes) + (() if d.destroy else _env_notes(d.desired))


def _env_notes(desired: DesiredState) -> tuple[str, ...]:
    """Each value a manifest took from the environment, as written and as resolved: the reviewer sees both.
    Never a secret (those come through `*_env` fields, which are never resolved into a manifest)."""
    return tuple(f"{v.address}: {v.field} uses ${{env:{v.variable}}} = {_shown(v.value)}"
                 for v in sorted(set(desired.env_values), key=lambda v: (v.address, v.field, v.variable)))


def _shown(value: str) -> str:
    """A value as a note quotes it: a long one (instructions from a variable) cut, the change shows it whole."""
    if len(value) <= ENV_NOTE_MAX:
        return json.dumps(value)
    return f"{json.dumps(value[:ENV_NOTE_MAX])}... ({len(value):,} characters)"


def _storage(live: LiveState) -> int:
    return sum(int(store.raw.get("usage_bytes") or 0) for store in live.vector_stores.values())


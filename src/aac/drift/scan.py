"""Drift: what changed on the target outside aac, a pure function over desired, hashes and live.

Per object (DESIGN section 6, IAC_CONVENTIONS drift categories):

- the `aac-spec` tag holds the hash of the full canonical spec aac last applied, write-only
  fields included. When the live readable fields (aligned as the diff aligns them) plus some
  candidate for the write-only ones hash to the tag, live is exactly as last applied: in sync
  when the tag is also the manifests' hash, else pending (the manifests changed, not applied).
- otherwise someone changed the object by hand: drifted, field by field.
- a vector store's files are not in its tag, so they are judged by their traces: an attachment
  without aac's attributes was attached by hand; a wanted file whose upload is live but attached
  nowhere was detached by hand; the rest is the manifests moving ahead of the target (pending).

Reading is all this needs: the command gives it the reader's snapshot, never the writer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from aac.canonical import UNKNOWN_ID
from aac.identity import is_protected, spec_hash, upload_basename
from aac.kinds import KINDS, Kind
from aac.kinds.base import HoldsFiles, WriteOnlyFields, refs, server_defaults
from aac.model.drift import Category, DriftItem, DriftReport, StoreFilesDrift
from aac.plan.compare import compare, unreadable
from aac.resources import DesiredState, LiveState
from aac.stack import STACK_FILE

JSON = dict[str, Any]
DELETED_OUTSIDE = "deleted outside aac: "  # a missing object's detail when the scan is sure of it
MANIFESTS_CHANGED_TOO = "the manifests changed too since the last apply: expected is what they say now"


@dataclass(frozen=True)
class _Scan:
    desired: DesiredState
    hashes: Mapping[str, str]
    live: LiveState
    filenames: Mapping[str, str]  # file id -> filename, every upload the target listed
    moved: Mapping[str, str] = field(default_factory=dict)  # new address -> old, live keyed anew (aac.plan.moves)

    def labels(self) -> dict[str, str]:
        """SHA-256 or `id:` reference -> a readable name (repository path, else upload name)."""
        result = {f"{UNKNOWN_ID}{i}": f"{name} ({i})" for i, name in self.filenames.items()}
        result.update({f.sha256: upload_basename(f.filename) for f in self.live.files.values() if f.sha256})
        result.update({sha: path for path, sha in sorted(self.hashes.items(), reverse=True)})
        return result


def drift_report(desired: DesiredState, hashes: Mapping[str, str], live: LiveState, *, target: str, now: str,
                 filenames: Mapping[str, str] | None = None, moved: Mapping[str, str] | None = None) -> DriftReport:
    """The report for every object the manifests declare or this stack's tags claim; `moved` as the diff's:
    a moved object not applied yet is pending under its new address, not unmanaged there and missing here."""
    scan = _Scan(desired, hashes, live, filenames or {}, dict(moved or {}))
    items = [item for kind in KINDS if kind.name not in live.unavailable for item in _objects(scan, kind)]
    return DriftReport(stack=desired.stack, target=target, created_at=now, items=tuple(items),
                       requests=live.requests, foreign=dict(live.foreign))


def changed_outside(report: DriftReport) -> tuple[DriftItem, ...]:
    """What someone changed or deleted by hand: drifted objects, and missing ones known to have been live."""
    return tuple(item for item in report.items if item.category is Category.DRIFTED
                 or (item.category is Category.MISSING and (item.detail or "").startswith(DELETED_OUTSIDE)))


def _objects(scan: _Scan, kind: Kind) -> Iterator[DriftItem]:
    labels = scan.labels()
    wanted, present = kind.desired(scan.desired), kind.live(scan.live)
    for key in sorted(set(wanted) | set(present)):
        obj, spec = present.get(key), wanted.get(key)
        files = _files(scan, kind, spec, obj, labels)
        if spec is None:
            have = kind.readable(kind.canonical_live(obj, scan.live), labels)
            yield _unmanaged(kind, key, obj, {**have, "files": files.actual} if files else have)
            continue
        want = kind.canonical(spec, scan.hashes, scan.live)
        if obj is None:
            shown = kind.readable(want, labels)
            yield _missing(scan, kind, key, {**shown, "files": files.expected} if files else shown)
            continue
        item = _compared(kind, key, obj, want, kind.canonical_live(obj, scan.live), labels, files)
        yield _moved(item, scan.moved.get(item.address))


def _moved(item: DriftItem, previous: str | None) -> DriftItem:
    if previous is None:
        return item
    said = f"moved from {previous} in {STACK_FILE}, not applied yet: `aac apply` retags it in place"
    category = Category.PENDING if item.category is Category.IN_SYNC else item.category
    return replace(item, category=category, detail="; ".join(d for d in (said, item.detail) if d))


def _files(scan: _Scan, kind: Kind, spec: Any, obj: Any, labels: Mapping[str, str]) -> StoreFilesDrift | None:
    """A vector store's files are judged by their traces, not by its tag (aac.kinds.vector_store.drift)."""
    if not isinstance(kind, HoldsFiles):
        return None
    return kind.content_drift(spec, obj, scan.hashes, scan.live, labels)


def _compared(kind: Kind, key: str, obj: Any, want: JSON, live_form: JSON,
              labels: Mapping[str, str], files: StoreFilesDrift | None) -> DriftItem:
    owner = kind.owner(obj.raw)
    tag = owner[2] if owner else ""
    changed, aligned = compare(kind, want, live_form, tag)
    write_only = unreadable(kind, want, live_form)
    readable = [f for f in want if f not in write_only and want[f] != aligned.get(f)]
    applied = _applied_candidate(kind, want, aligned, live_form, write_only, tag)
    expected, actual = kind.readable(want, labels), kind.readable(aligned, labels)
    if files is not None:
        expected, actual = {**expected, "files": files.expected}, {**actual, "files": files.actual}
    common: dict[str, Any] = {"id": obj.id, "expected": expected, "actual": actual}
    address, kind_name = kind.address(key), kind.name
    hand_files = files is not None and files.drifted
    if applied is not None and not hand_files:
        if tag == spec_hash(want) and not (files and files.pending):
            return DriftItem(address, kind_name, key, Category.IN_SYNC, **common)
        fields = [f for f in want if want[f] != applied.get(f)] + (["files"] if files and files.pending else [])
        return DriftItem(address, kind_name, key, Category.PENDING, changed_fields=tuple(fields), **common)
    if not readable and not hand_files:  # only write-only or hidden fields differ: the manifests moved
        fields = [f for f in changed if f not in readable] + (["files"] if files and files.pending else [])
        return DriftItem(address, kind_name, key, Category.PENDING, changed_fields=tuple(fields), **common)
    fields = readable + (["files"] if files is not None and (files.drifted or files.pending) else [])
    detail = MANIFESTS_CHANGED_TOO if tag != spec_hash(want) or (files and files.pending) else None
    if files is not None and files.detail:
        detail = "; ".join(d for d in (files.detail, detail) if d)
    return DriftItem(address, kind_name, key, Category.DRIFTED, changed_fields=tuple(fields), detail=detail, **common)


def _applied_candidate(kind: Kind, want: JSON, aligned: JSON, live_form: JSON, write_only: tuple[str, ...],
                       tag: str) -> JSON | None:
    """The spec last applied, when live plus some write-only values hash to the tag; else None."""
    readable = {f: aligned.get(f) for f in want if f not in write_only}
    for values in _write_only_candidates(kind, want, write_only):
        for candidate in server_defaults(kind).applied_variants({**readable, **values}, live_form):
            if spec_hash(candidate) == tag:
                return candidate
    return None


def _write_only_candidates(kind: Kind, want: JSON, write_only: tuple[str, ...]) -> Iterator[JSON]:
    """The desired write-only values first, then the others the field can have (the kind's)."""
    desired = {f: want.get(f) for f in write_only if f in want}
    yield desired
    for values in kind.write_only_candidates(want) if isinstance(kind, WriteOnlyFields) else ():
        yield {**desired, **values}


def _unmanaged(kind: Kind, key: str, obj: Any, have: JSON | None) -> DriftItem:
    fate = "it is protected, so `aac apply` keeps it" if is_protected(kind.tags(obj.raw)) else \
        "`aac apply` deletes it"
    return DriftItem(kind.address(key), kind.name, key, Category.UNMANAGED, id=obj.id, actual=have,
                     detail=f"tagged for this stack but in no manifest: add one to manage it; {fate}")


def _missing(scan: _Scan, kind: Kind, key: str, want: JSON) -> DriftItem:
    return DriftItem(kind.address(key), kind.name, key, Category.MISSING, expected=want,
                     detail=_missing_why(scan, kind, key))


def _missing_why(scan: _Scan, kind: Kind, key: str) -> str:
    live = scan.live
    if not (live.files or any(other.live(live) for other in KINDS)):
        return "nothing of this stack is live: never applied to this target, or all deleted by hand"
    for user in KINDS:
        for user_key, spec in sorted(user.desired(scan.desired).items()):
            if (kind.name, key) in refs(user, spec) and user_key in user.live(live):
                return f"{DELETED_OUTSIDE}{user.address(user_key)} is live and uses it"
    return "deleted outside aac, or added to the manifests and not applied yet"

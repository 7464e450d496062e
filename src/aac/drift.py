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
from dataclasses import dataclass
from typing import Any

from aac.canonical import (
    JSON,
    UNKNOWN_ID,
    WRITE_ONLY,
    canonical_assistant,
    canonical_live_assistant,
    canonical_live_vector_store,
    canonical_vector_store,
)
from aac.compare import as_applied_candidates, compare
from aac.drift_files import StoreFilesDrift, store_files_drift
from aac.drift_model import Category, DriftItem, DriftReport
from aac.identity import is_protected, owner_of, spec_hash, upload_basename
from aac.limits import REASONING_EFFORTS
from aac.resources import ASSISTANT, VECTOR_STORE, DesiredState, LiveAssistant, LiveState, LiveVectorStore

MANIFESTS_CHANGED_TOO = "the manifests changed too since the last apply: expected is what they say now"


@dataclass(frozen=True)
class _Scan:
    desired: DesiredState
    hashes: Mapping[str, str]
    live: LiveState
    filenames: Mapping[str, str]  # file id -> filename, every upload the target listed

    def labels(self) -> dict[str, str]:
        """SHA-256 or `id:` reference -> a readable name (repository path, else upload name)."""
        result = {f"{UNKNOWN_ID}{i}": f"{name} ({i})" for i, name in self.filenames.items()}
        result.update({f.sha256: upload_basename(f.filename) for f in self.live.files.values() if f.sha256})
        result.update({sha: path for path, sha in sorted(self.hashes.items(), reverse=True)})
        return result


def drift_report(desired: DesiredState, hashes: Mapping[str, str], live: LiveState, *, target: str, now: str,
                 filenames: Mapping[str, str] | None = None) -> DriftReport:
    """The report for every object the manifests declare or this stack's tags claim."""
    scan = _Scan(desired, hashes, live, filenames or {})
    items = [*_stores(scan)]
    if live.assistants_supported:
        items += _assistants(scan)
    return DriftReport(stack=desired.stack, target=target, created_at=now, items=tuple(items),
                       requests=live.requests, foreign=dict(live.foreign))


def _assistants(scan: _Scan) -> Iterator[DriftItem]:
    labels = scan.labels()
    wanted, present = scan.desired.assistants, scan.live.assistants
    for key in sorted(set(wanted) | set(present)):
        obj = present.get(key)
        have = _readable(canonical_live_assistant(obj, scan.live), labels) if obj else None
        if key not in wanted:
            yield _unmanaged(ASSISTANT, key, obj, have)  # type: ignore[arg-type]
            continue
        want = canonical_assistant(wanted[key], scan.hashes)
        if obj is None:
            yield _missing(scan, ASSISTANT, key, _readable(want, labels))
            continue
        live_form = canonical_live_assistant(obj, scan.live)
        yield _compared(ASSISTANT, key, obj, want, live_form, labels, None)


def _stores(scan: _Scan) -> Iterator[DriftItem]:
    labels = scan.labels()
    wanted, present = scan.desired.vector_stores, scan.live.vector_stores
    for key in sorted(set(wanted) | set(present)):
        obj = present.get(key)
        if key not in wanted:
            have = canonical_live_vector_store(obj, scan.live) if obj else None
            files = store_files_drift(None, obj, scan.hashes, scan.live, labels)
            yield _unmanaged(VECTOR_STORE, key, obj, {**(have or {}), "files": files.actual})  # type: ignore[arg-type]
            continue
        spec = wanted[key]
        want = canonical_vector_store(spec)
        if obj is None:
            files = store_files_drift(spec, None, scan.hashes, scan.live, labels)
            yield _missing(scan, VECTOR_STORE, key, {**want, "files": files.expected})
            continue
        files = store_files_drift(spec, obj, scan.hashes, scan.live, labels)
        yield _compared(VECTOR_STORE, key, obj, want, canonical_live_vector_store(obj, scan.live), labels, files)


def _compared(kind: str, key: str, obj: LiveAssistant | LiveVectorStore, want: JSON, live_form: JSON,
              labels: Mapping[str, str], files: StoreFilesDrift | None) -> DriftItem:
    owner = owner_of(obj.raw.get("metadata"))
    tag = owner[2] if owner else ""
    _, aligned = compare(kind, want, live_form, tag)
    write_only = _write_only(kind, want, live_form)
    readable = [f for f in want if f not in write_only and want[f] != aligned.get(f)]
    applied = _applied_candidate(kind, want, aligned, live_form, write_only, tag)
    expected, actual = _readable(want, labels), _readable(aligned, labels)
    if files is not None:
        expected, actual = {**expected, "files": files.expected}, {**actual, "files": files.actual}
    common: dict[str, Any] = {"id": obj.id, "expected": expected, "actual": actual}
    address = f"{kind}.{key}"
    hand_files = files is not None and files.drifted
    if applied is not None and not hand_files:
        if tag == spec_hash(want) and not (files and files.pending):
            return DriftItem(address, kind, key, Category.IN_SYNC, **common)
        fields = [f for f in want if want[f] != applied.get(f)] + (["files"] if files and files.pending else [])
        return DriftItem(address, kind, key, Category.PENDING, changed_fields=tuple(fields), **common)
    if not readable and not hand_files:  # only write-only fields differ: the manifests moved, not the object
        fields = [f for f in write_only if f in want] + (["files"] if files and files.pending else [])
        return DriftItem(address, kind, key, Category.PENDING, changed_fields=tuple(fields), **common)
    fields = readable + (["files"] if files is not None and (files.drifted or files.pending) else [])
    detail = MANIFESTS_CHANGED_TOO if tag != spec_hash(want) or (files and files.pending) else None
    if files is not None and files.detail:
        detail = "; ".join(d for d in (files.detail, detail) if d)
    return DriftItem(address, kind, key, Category.DRIFTED, changed_fields=tuple(fields), detail=detail, **common)


def _write_only(kind: str, want: JSON, live_form: JSON) -> tuple[str, ...]:
    fields: tuple[str, ...] = WRITE_ONLY[kind]
    if "chunking_strategy" in want and live_form.get("chunking_strategy") is None:
        fields += ("chunking_strategy",)  # a store with no indexed file does not tell its chunking
    return fields


def _applied_candidate(kind: str, want: JSON, aligned: JSON, live_form: JSON, write_only: tuple[str, ...],
                       tag: str) -> JSON | None:
    """The spec last applied, when live plus some write-only values hash to the tag; else None."""
    readable = {f: aligned.get(f) for f in want if f not in write_only}
    for values in _write_only_candidates(kind, want, write_only):
        for candidate in as_applied_candidates({**readable, **values}, live_form):
            if spec_hash(candidate) == tag:
                return candidate
    return None


def _write_only_candidates(kind: str, want: JSON, write_only: tuple[str, ...]) -> Iterator[JSON]:
    """The desired write-only values first, then every value the field can have (exact for assistants)."""
    desired = {f: want.get(f) for f in write_only if f in want}
    yield desired
    if kind == ASSISTANT:
        for effort in (None, *REASONING_EFFORTS):
            if effort != want.get("reasoning_effort"):
                yield {**desired, "reasoning_effort": effort}
    elif want.get("description") is not None:
        yield {**desired, "description": None}  # a description added to the manifest since


def _readable(form: JSON, labels: Mapping[str, str]) -> JSON:
    """Code-interpreter files by path (or upload name) rather than by hash, for the reader."""
    files = form.get("code_interpreter_files")
    if not isinstance(files, list):
        return form
    return {**form, "code_interpreter_files": sorted(labels.get(f, f) for f in files)}


def _unmanaged(kind: str, key: str, obj: LiveAssistant | LiveVectorStore, have: JSON | None) -> DriftItem:
    fate = "it is protected, so `aac apply` keeps it" if is_protected(obj.raw.get("metadata")) else \
        "`aac apply` deletes it"
    return DriftItem(f"{kind}.{key}", kind, key, Category.UNMANAGED, id=obj.id, actual=have,
                     detail=f"tagged for this stack but in no manifest: add one to manage it; {fate}")


def _missing(scan: _Scan, kind: str, key: str, want: JSON) -> DriftItem:
    return DriftItem(f"{kind}.{key}", kind, key, Category.MISSING, expected=want, detail=_missing_why(scan, kind, key))


def _missing_why(scan: _Scan, kind: str, key: str) -> str:
    live = scan.live
    if not (live.assistants or live.vector_stores or live.files):
        return "nothing of this stack is live: never applied to this target, or all deleted by hand"
    users = [a.key for a in live.assistants.values() if kind == VECTOR_STORE
             and scan.desired.assistants.get(a.key) is not None
             and scan.desired.assistants[a.key].vector_store == key]
    if users:
        return f"deleted outside aac: assistant.{users[0]} is live and uses it"
    return "deleted outside aac, or added to the manifests and not applied yet"

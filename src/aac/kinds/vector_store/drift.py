"""Drift of a vector store's files, which its aac-spec tag does not cover.

Files are matched as the attachment diff matches them: by content (the upload's
content-addressed name, else aac's `aac-sha256` attribute), and files aac did not upload
(`file_ids` in a manifest, or anyone's upload) by id. What does not match is judged by
its traces:

- a live attachment without aac's attributes (aac-sha256, or aac-path alone for a file attached
  by id) was attached by hand: drifted;
- one with them was attached by aac and has since left the manifests: pending;
- a wanted file whose upload of those bytes is live but attached nowhere was detached by
  hand (aac deletes an upload only after nothing uses it): drifted;
- any other wanted file is new in the manifests: pending;
- a wanted file whose attributes (aac's own aside) are not the manifest's was edited by hand: drifted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aac.canonical import UNKNOWN_ID, attachment_sha, same_attribute, user_attributes
from aac.kinds.vector_store.spec import VectorStoreSpec
from aac.model.drift import StoreFilesDrift
from aac.resources import ATTR_PATH, ATTR_SHA256, LiveState, LiveVectorStore, LiveVectorStoreFile


def wanted_files(spec: VectorStoreSpec, hashes: Mapping[str, str], labels: Mapping[str, str]) -> dict[str, str]:
    """Match key -> how to show it: content for repository files, `id:` for files attached by id."""
    wanted: dict[str, str] = {}
    for path in spec.files:
        wanted.setdefault(hashes[path], path)
    for file_id in spec.file_ids:
        key = UNKNOWN_ID + file_id
        wanted.setdefault(key, labels.get(key, file_id))
    return wanted


def store_files_drift(spec: VectorStoreSpec | None, store: LiveVectorStore | None, hashes: Mapping[str, str],
                      live: LiveState, labels: Mapping[str, str]) -> StoreFilesDrift:
    wanted = wanted_files(spec, hashes, labels) if spec is not None else {}
    attached = _attached(store, live)
    actual = sorted(wanted.get(key) or _label(a, key, labels) for key, a in attached.items())
    by_hand = sorted(_label(a, key, labels) for key, a in attached.items() if key not in wanted and not _by_aac(a))
    dropped = any(key not in wanted and _by_aac(a) for key, a in attached.items())
    unattached = [key for key in wanted if key not in attached]
    orphans = _orphaned_shas(live)
    detached = sorted(wanted[key] for key in unattached if key in orphans)
    return StoreFilesDrift(
        expected=sorted(wanted.values()),
        actual=actual,
        attached_by_hand=tuple(by_hand),
        detached_by_hand=tuple(detached),
        pending=dropped or len(detached) < len(unattached),
        attributes_differ=_attributes_differ(spec, wanted, attached),
    )


def _attributes_differ(spec: VectorStoreSpec | None, wanted: Mapping[str, str],
                       attached: Mapping[str, LiveVectorStoreFile]) -> tuple[str, ...]:
    """Wanted files whose attributes (aac's own aside) are not the manifest's, with the keys that differ."""
    found = []
    for key, path in sorted(wanted.items(), key=lambda item: item[1]):
        if spec is None or key.startswith(UNKNOWN_ID) or key not in attached:
            continue
        want, live = dict(spec.attributes.get(path, {})), user_attributes(attached[key].attributes)
        keys = sorted(k for k in {*want, *live} if not same_attribute(want.get(k, _ABSENT), live.get(k, _ABSENT)))
        if keys:
            found.append(f"{path} ({', '.join(keys)})")
    return tuple(found)


_ABSENT = object()


def _attached(store: LiveVectorStore | None, live: LiveState) -> dict[str, LiveVectorStoreFile]:
    shas = {f.id: f.sha256 for f in live.files.values()}
    result: dict[str, LiveVectorStoreFile] = {}
    for attachment in store.files if store is not None else ():
        sha = attachment_sha(attachment.attributes, shas.get(attachment.file_id))
        result.setdefault(sha or UNKNOWN_ID + attachment.file_id, attachment)
    return result


def _by_aac(attachment: LiveVectorStoreFile) -> bool:
    """aac writes its attributes on every file it attaches (aac-sha256 and aac-path; aac-path alone by id)."""
    return ATTR_SHA256 in attachment.attributes or ATTR_PATH in attachment.attributes


def _label(attachment: LiveVectorStoreFile, key: str, labels: Mapping[str, str]) -> str:
    path = attachment.attributes.get(ATTR_PATH)
    if isinstance(path, str) and path:
        return path
    return labels.get(key) or labels.get(UNKNOWN_ID + attachment.file_id) or attachment.file_id


def _orphaned_shas(live: LiveState) -> set[str]:
    """Contents this stack uploaded that no live assistant or vector store uses."""
    used: set[str] = set()
    for assistant in live.assistants.values():
        resources: Mapping[str, Any] = assistant.raw.get("tool_resources") or {}
        used.update((resources.get("code_interpreter") or {}).get("file_ids") or [])
    for store in live.vector_stores.values():
        used.update(a.file_id for a in store.files)
    return {f.sha256 for f in live.files.values() if f.sha256 and f.id not in used}

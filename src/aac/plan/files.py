"""The file half of the diff: uploads (`file.PATH`) and attachments (`vector_store_file.STORE/PATH`).

Files are content-addressed (aac.identity): bytes that no live upload of the stack has
are uploaded once, whatever paths hold them; an upload no manifest wants is deleted
(unless a protected object still uses it); an attachment is matched by content, so a
file moved to another path with the same bytes only has its attributes updated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from aac.canonical import UNKNOWN_ID, attachment_sha, same_attributes, user_attributes
from aac.estimate import attachment_usage, change_in_usage, path_usage
from aac.identity import file_attributes, fingerprint, upload_basename, upload_filename
from aac.model.files import StoreFiles
from aac.model.plan import Action, Change
from aac.resources import ATTR_PATH, FILE, VECTOR_STORE_FILE, LiveFile, LiveState, LiveVectorStoreFile

FAILED = ("failed", "cancelled")


@dataclass
class Addresses:
    """Deleted objects are named by their old path; a suffix keeps every address unique."""

    used: set[str] = field(default_factory=set)

    def claim(self, kind: str, name: str, sha: str | None, fallback: str) -> str:
        for candidate in (name, f"{name}@{(sha or '')[:12]}", f"{name}@{fallback}"):
            if f"{kind}.{candidate}" not in self.used and not candidate.endswith("@"):
                self.used.add(f"{kind}.{candidate}")
                return candidate
        return f"{name}@{fallback}"


def _group(paths: Iterable[str], hashes: Mapping[str, str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for path in sorted(set(paths)):
        groups[hashes[path]].append(path)
    return dict(sorted(groups.items(), key=lambda item: item[1][0]))


def _change(kind: str, name: str, action: Action, **fields: Any) -> Change:
    return Change(address=f"{kind}.{name}", kind=kind, name=name, action=action, **fields)


# --- uploads ----------------------------------------------------------------------------


def _file_before(upload: LiveFile) -> dict[str, Any]:
    return {"id": upload.id, "filename": upload.filename, "bytes": upload.bytes}


def _file_after(stack: str, path: str, sha: str, size: int, filename: str | None = None) -> dict[str, Any]:
    return {"path": path, "sha256": sha, "bytes": size, "filename": filename or upload_filename(stack, sha, path)}


def _uploads_by_sha(live: LiveState, referenced: set[str]) -> dict[str, list[LiveFile]]:
    """This stack's uploads by content; the one in use (else the oldest) first."""
    by_sha: dict[str, list[LiveFile]] = defaultdict(list)
    for upload in live.files.values():
        if upload.sha256:
            by_sha[upload.sha256].append(upload)
    for uploads in by_sha.values():
        uploads.sort(key=lambda f: (f.id not in referenced, f.created_at, f.id))
    return by_sha


def file_changes(
    stack: str,
    wanted: Iterable[str],
    hashes: Mapping[str, str],
    sizes: Mapping[str, int],
    live: LiveState,
    *,
    keep: Mapping[str, str],
    referenced: set[str],
    known_paths: Mapping[str, str],
    delete_reason: str | None = None,
) -> tuple[list[Change], int]:
    """Changes for uploads, and the bytes the deletions free. `keep`: sha -> why it stays."""
    by_sha = _uploads_by_sha(live, referenced)
    names = Addresses()
    changes: list[Change] = []
    for sha, paths in _group(wanted, hashes).items():
        uploads = by_sha.pop(sha, [])
        changes += _wanted_file(stack, sha, paths, sizes, uploads[0] if uploads else None, names)
        by_sha[sha] = uploads[1:]  # a second upload of the same bytes is not needed
    freed = 0
    # Name a deleted upload by the path it was attached as, else by a path of the manifests that
    # holds these bytes (a destroy), else by the basename its filename keeps.
    path_of_sha = {sha: path for path, sha in sorted(hashes.items(), reverse=True)}
    for sha, uploads in sorted(by_sha.items()):
        for upload in uploads:
            path = known_paths.get(upload.id) or path_of_sha.get(sha) or upload_basename(upload.filename)
            name = names.claim(FILE, path, sha, upload.id)
            common = {"id": upload.id, "before": _file_before(upload), "live_fingerprint": fingerprint(upload.raw)}
            if sha in keep:
                changes.append(_change(FILE, name, Action.NOOP, reason=keep[sha], **common))
            else:
                freed += upload.bytes
                why = delete_reason or "no manifest uses these bytes"
                changes.append(_change(FILE, name, Action.DELETE, reason=why, **common))
    return changes, freed


def _wanted_file(stack: str, sha: str, paths: list[str], sizes: Mapping[str, int], upload: LiveFile | None,
                 names: Addresses) -> list[Change]:
    changes = []
    for index, path in enumerate(paths):
        names.used.add(f"{FILE}.{path}")
        after = _file_after(stack, path, sha, sizes[path], upload.filename if upload else None)
        reason = f"same bytes as {FILE}.{paths[0]}: one upload" if index else None
        if upload is not None:
            changes.append(_change(FILE, path, Action.NOOP, id=upload.id, before=_file_before(upload), after=after,
                                   live_fingerprint=fingerprint(upload.raw), reason=reason))
        else:
            changes.append(_change(FILE, path, Action.NOOP if index else Action.CREATE, after=after, reason=reason))
    return changes


# --- attachments ------------------------------------------------------------------------


FROZEN_REASON = ("this server's search keeps filtering on the attributes the file had when it was attached "
                 "(llama-stack, ogx): the update shows in its file list only")


def attachment_changes(stores: Iterable[StoreFiles], hashes: Mapping[str, str], text_sizes: Mapping[str, int],
                       live: LiveState) -> tuple[list[Change], int]:
    """Attach, update attributes, re-attach failed, detach unwanted; and the estimated storage after.

    `text_sizes` is the bytes of text each path indexes (aac.estimate.TextSizes).
    """
    shas = {f.id: f.sha256 for f in live.files.values()}
    names = Addresses()
    changes: list[Change] = []
    storage = 0
    for store in stores:
        storage += store.usage_bytes
        by_sha: dict[str, list[LiveVectorStoreFile]] = defaultdict(list)
        for attachment in store.attached:
            sha = attachment_sha(attachment.attributes, shas.get(attachment.file_id))
            by_sha[sha or UNKNOWN_ID + attachment.file_id].append(attachment)
        for group in by_sha.values():
            group.sort(key=lambda a: (a.status in FAILED, a.status != "completed", a.file_id))
        groups = _group(store.wanted, hashes)
        for sha, paths in groups.items():
            found = by_sha.pop(sha, [])
            estimate = partial(path_usage, text_sizes, paths[0], store.chunking)
            wanted = Wanted(store.key, sha, paths, dict(store.attributes.get(paths[0], {})), store.attributes_frozen)
            new, used = _wanted_attachment(wanted, found[0] if found else None, estimate, names)
            changes += new
            storage += used
            by_sha[sha] = found[1:]
        for file_id in store.wanted_ids:
            own = shas.get(file_id)  # an id that names one of this stack's own uploads is matched by content
            if own in groups:
                continue  # a path of the manifest already attaches these bytes
            found = by_sha.pop(own or UNKNOWN_ID + file_id, [])
            changes.append(_wanted_by_id(store.key, file_id, found[0] if found else None, names))
            # Its bytes stand for its text (aac cannot read an upload back), whoever uploaded it.
            storage += 0 if found else attachment_usage(live.upload_bytes.get(file_id, 0), store.chunking)
        for stale, group in by_sha.items():
            sha = None if stale.startswith(UNKNOWN_ID) else stale
            changes += [_detach(store.key, a, sha, live, names) for a in group]
            storage -= sum(a.usage_bytes for a in group)
    return changes, storage


def _vsf_before(key: str, attachment: LiveVectorStoreFile, sha: str | None) -> dict[str, Any]:
    before = {
        "vector_store": key,
        "file_id": attachment.file_id,
        "path": attachment.attributes.get(ATTR_PATH),
        "sha256": sha,
        "status": attachment.status,
        "usage_bytes": attachment.usage_bytes,
    }
    own = user_attributes(attachment.attributes)
    return {**before, "attributes": own} if own else before


@dataclass(frozen=True)
class Wanted:
    """One wanted file of a store: its paths (the same bytes, one attachment) and the first path's attributes."""

    store: str
    sha: str
    paths: list[str]
    attributes: dict[str, Any]
    frozen: bool = False  # StoreFiles.attributes_frozen


def _wanted_attachment(wanted: Wanted, attachment: LiveVectorStoreFile | None, estimate: Callable[[], int],
                       names: Addresses) -> tuple[list[Change], int]:
    """The changes for one wanted file, and how they change the store's usage (see aac.estimate)."""
    key, sha, paths = wanted.store, wanted.sha, wanted.paths
    for path in paths:
        names.used.add(f"{VECTOR_STORE_FILE}.{key}/{path}")
    first = f"{key}/{paths[0]}"
    after: dict[str, Any] = {"vector_store": key, "path": paths[0], "sha256": sha}
    if wanted.attributes:
        after["attributes"] = wanted.attributes
    twins = [
        _change(VECTOR_STORE_FILE, f"{key}/{path}", Action.NOOP,
                after={"vector_store": key, "path": path, "sha256": sha},
                reason=f"same bytes as {VECTOR_STORE_FILE}.{first}: one attachment")
        for path in paths[1:]
    ]
    if attachment is None:
        return [_change(VECTOR_STORE_FILE, first, Action.CREATE, after=after), *twins], estimate()
    common = {"id": attachment.file_id, "before": _vsf_before(key, attachment, sha), "after": after,
              "live_fingerprint": fingerprint(attachment.raw)}
    if attachment.status in FAILED:
        error = (attachment.last_error or {}).get("message") or "no reason given"
        change = _change(VECTOR_STORE_FILE, first, Action.REPLACE, reason=f"indexing {attachment.status}: {error}",
                         **common)
        return [change, *twins], change_in_usage(attachment, estimate, reindexed=True)
    if not same_attributes(attachment.attributes, {**wanted.attributes, **file_attributes(sha, paths[0])}):
        # Say which in words (a moved file: its old and new path; the manifest's own attributes); updated in
        # place (vector_stores.files.update), never re-uploaded nor re-indexed.
        before = common["before"]
        assert isinstance(before, dict)
        changed = tuple(f for f in ("path", "sha256", "attributes") if before.get(f) != after.get(f)) \
            or ("attributes",)
        reason = FROZEN_REASON if wanted.frozen and "attributes" in changed else None
        change = _change(VECTOR_STORE_FILE, first, Action.UPDATE, changed_fields=changed, reason=reason, **common)
    else:
        change = _change(VECTOR_STORE_FILE, first, Action.NOOP, **common)
    return [change, *twins], change_in_usage(attachment, estimate, reindexed=False)


def _wanted_by_id(key: str, file_id: str, attachment: LiveVectorStoreFile | None, names: Addresses) -> Change:
    """A file the manifest attaches by id (`file_ids`): attached as it is, its bytes unknown to aac."""
    name = f"{key}/{file_id}"
    names.used.add(f"{VECTOR_STORE_FILE}.{name}")
    after = {"vector_store": key, "file_id": file_id}
    if attachment is None:
        return _change(VECTOR_STORE_FILE, name, Action.CREATE, after=after)
    return _change(VECTOR_STORE_FILE, name, Action.NOOP, id=file_id, before=_vsf_before(key, attachment, None),
                   after=after, live_fingerprint=fingerprint(attachment.raw))


def _detach(key: str, attachment: LiveVectorStoreFile, sha: str | None, live: LiveState,
            names: Addresses) -> Change:
    path = attachment.attributes.get(ATTR_PATH)
    upload = live.files.get(attachment.file_id)
    if not isinstance(path, str) or not path:
        path = upload_basename(upload.filename) if upload else attachment.file_id
    name = names.claim(VECTOR_STORE_FILE, f"{key}/{path}", sha, attachment.file_id)
    return _change(VECTOR_STORE_FILE, name, Action.DELETE, id=attachment.file_id,
                   before=_vsf_before(key, attachment, sha), live_fingerprint=fingerprint(attachment.raw),
                   reason="no manifest wants this file in the store")

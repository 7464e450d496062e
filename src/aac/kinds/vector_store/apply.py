"""The vector store's apply steps: save it, attach its files and wait until indexed, detach, delete."""

from __future__ import annotations

import functools
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from aac.canonical import UNKNOWN_ID
from aac.identity import file_attributes
from aac.kinds.base import JSON
from aac.kinds.vector_store import wire
from aac.kinds.vector_store.spec import VectorStoreSpec
from aac.limits import LIST_LIMIT
from aac.model.plan import FRESH, Action, Change
from aac.model.steps import ApplyContext, Poll, Run, StepBuilder, StepFailed, update_body
from aac.resources import ATTR_PATH, VECTOR_STORE, VECTOR_STORE_FILE


def fresh(builder: StepBuilder, key: str) -> bool:
    change = builder.changes(VECTOR_STORE).get(key)
    return change is not None and change.action in FRESH


def steps(b: StepBuilder, stores: Mapping[str, Change]) -> None:
    created = []
    for change in stores.values():
        if change.action is Action.DELETE:
            continue
        refusal = b.guard(change, deleting=change.action is Action.REPLACE)  # a rebuild deletes the old
        if refusal:
            b.add(b.sid(change), refusal, [change.address])
            continue
        retag = b.add(f"retag:{change.address}", b.retag(change), [change.address]) \
            if change.action is Action.REPLACE else None
        b.add(b.sid(change), save_store(b.ctx, change), [change.address], needs=[retag])
        if change.action in FRESH:
            created.append(b.sid(change))
    writer = b.ctx.writer
    b.settle(VECTOR_STORE, created, functools.partial(wire.list_mine, writer), functools.partial(wire.delete, writer))
    _attachments(b)


def _attachments(b: StepBuilder) -> None:
    entries: dict[str, dict[str, str]] = defaultdict(dict)  # store -> path -> sha
    addresses: dict[str, list[str]] = defaultdict(list)
    for key in b.changes(VECTOR_STORE):
        if fresh(b, key):
            spec = b.ctx.desired.vector_stores[key]
            entries[key].update({p: b.ctx.hashes[p] for p in spec.files})
            entries[key].update({file_id: UNKNOWN_ID + file_id for file_id in spec.file_ids})
    attachments = list(b.changes(VECTOR_STORE_FILE).values())
    for change in attachments:
        _attachment(b, change, entries, addresses)
    for key, files in entries.items():
        if not files:
            continue
        run = Attach(b.ctx, key, sorted(files.items()))
        store = b.has(f"{VECTOR_STORE}:{key}") if fresh(b, key) else None  # else its id is live
        b.add(f"attach:{key}", run, addresses[key], needs=[store, *b.needs_uploads(files.values())],
              after=[b.has("settle:files"), b.has("settle:vector_store")])
    for change in attachments:
        _detach(b, change)


def _attachment(b: StepBuilder, change: Change, entries: dict[str, dict[str, str]],
                addresses: dict[str, list[str]]) -> None:
    side = change.after or change.before or {}
    key = str(side["vector_store"])
    gone = b.changes(VECTOR_STORE).get(key)
    if gone is not None and gone.action is Action.DELETE:
        return  # the store's deletion takes its files with it
    if change.action in FRESH or (change.action is Action.UPDATE and fresh(b, key)):
        if side.get("sha256"):
            entries[key][str(side["path"])] = str(side["sha256"])
        else:  # an existing upload the manifest names by id (`file_ids`)
            entries[key][str(side["file_id"])] = UNKNOWN_ID + str(side["file_id"])
        addresses[key].append(change.address)
    elif change.action is Action.UPDATE:
        b.add(f"attributes:{change.address}", update_attributes(b.ctx, change), [change.address])


def _detach(b: StepBuilder, change: Change) -> None:
    if change.action not in (Action.DELETE, Action.REPLACE) or change.before is None:
        return
    key, file_id = str(change.before["vector_store"]), str(change.before["file_id"])
    store = b.changes(VECTOR_STORE).get(key)
    if store is not None and store.action in (Action.DELETE, Action.REPLACE):
        return  # the store goes, with its files
    run: Run = detach(b.ctx, key, file_id)
    if change.action is Action.REPLACE and change.after is not None and change.after.get("sha256"):
        run = _detach_unless_same(b, key, file_id, str(change.after["sha256"]))
    sid = b.add(f"detach:{change.address}", run, [change.address], needs=[b.has(f"attach:{key}")])
    b.detach_steps[file_id].append(sid)


def _detach_unless_same(b: StepBuilder, key: str, file_id: str, sha: str) -> Run:
    detach_it = detach(b.ctx, key, file_id)

    def run() -> None:
        if b.ctx.ids.files.get(sha) != file_id:  # re-indexing the same file: nothing to detach
            detach_it()

    return run


def deletes(b: StepBuilder, stores: Mapping[str, Change]) -> None:
    for key, change in stores.items():
        if change.action not in (Action.DELETE, Action.REPLACE) or not change.id:
            continue
        files = [c.address for c in b.changes(VECTOR_STORE_FILE).values()
                 if c.store_key == key and c.action is not Action.CREATE]
        needs = b.users_of(change.id)
        if change.action is Action.REPLACE:
            needs += [b.sid(change), b.has(f"attach:{key}") or ""]
        run = b.guard(change, deleting=True) or delete_store(b.ctx, change.id)
        b.add(f"delete:{change.address}", run, [change.address, *files], needs=needs)


def save_store(ctx: ApplyContext, change: Change) -> Run:
    spec = ctx.desired.vector_stores[change.name]

    def run() -> None:
        if change.action is Action.UPDATE:
            body = vector_store_update(spec, change, ctx.metadata(change, spec.metadata, spec.protect))
            wire.update(ctx.writer, str(change.id), body)
            return
        body = vector_store_create(spec, ctx.metadata(change, spec.metadata, spec.protect))
        store = wire.create(ctx.writer, spec.name, body)
        ctx.ids.set(VECTOR_STORE, spec.name, store.id, created=True)

    return run


def delete_store(ctx: ApplyContext, store_id: str) -> Run:
    return lambda: wire.delete(ctx.writer, store_id)


def detach(ctx: ApplyContext, store_key: str, file_id: str) -> Run:
    return lambda: wire.detach(ctx.writer, ctx.store_id(store_key), file_id)


def update_attributes(ctx: ApplyContext, change: Change) -> Run:
    after = change.after or {}
    before = change.before or {}

    def run() -> None:
        own = file_attributes(str(after["sha256"]), str(after["path"]))
        attributes = {**(after.get("attributes") or {}), **own}  # the manifest's, and aac's beside them
        wire.update_attributes(ctx.writer, ctx.store_id(str(after["vector_store"])), str(before["file_id"]), attributes)

    return run


def vector_store_create(spec: VectorStoreSpec, metadata: dict[str, str]) -> JSON:
    body: JSON = {
        "name": spec.display_name,
        "metadata": metadata,
    }
    if spec.expires_after is not None:
        body["expires_after"] = dict(spec.expires_after)
    if spec.description is not None:
        body["description"] = spec.description
    return body


def vector_store_update(spec: VectorStoreSpec, change: Change, metadata: dict[str, str]) -> JSON:
    """The modify body: name, expiry and metadata (description and chunking are create-only)."""
    body: JSON = {
        "name": spec.display_name,
        "expires_after": dict(spec.expires_after) if spec.expires_after is not None else None,
        "metadata": metadata,
    }
    return update_body(body, change)


def attachment(sha256: str, path: str, file_id: str, spec: VectorStoreSpec) -> JSON:
    """One entry of a file batch: the file, its identity attributes, the store's chunking."""
    entry: JSON = {"file_id": file_id, "attributes": {**spec.attributes.get(path, {}), **file_attributes(sha256, path)}}
    if spec.chunking_strategy is not None:
        entry["chunking_strategy"] = dict(spec.chunking_strategy)
    return entry


def attachment_by_id(file_id: str, spec: VectorStoreSpec) -> JSON:
    """An existing upload the manifest names by id (`file_ids`): its bytes are unknown, so no aac-sha256."""
    entry: JSON = {"file_id": file_id, "attributes": {ATTR_PATH: file_id}}
    if spec.chunking_strategy is not None:
        entry["chunking_strategy"] = dict(spec.chunking_strategy)
    return entry


class Attach:
    """Attach a store's files in batches, then poll (without holding a worker) until indexed."""

    FIRST_POLL_S = 0.05

    def __init__(self, ctx: ApplyContext, store_key: str, entries: Sequence[tuple[str, str]]) -> None:
        self.ctx = ctx
        self.store_key = store_key
        self.entries = entries  # (path, sha256), addresses vector_store_file.STORE/PATH
        self.file_paths: dict[str, str] = {}
        self.deadline = 0.0
        self.delay = self.FIRST_POLL_S

    def __call__(self) -> Poll | None:
        if not self.file_paths:
            return self._attach()
        return self._poll()

    def _attach(self) -> Poll:
        spec = self.ctx.desired.vector_stores[self.store_key]
        batch = []
        for path, sha in self.entries:
            by_id = sha.startswith(UNKNOWN_ID)  # a manifest's `file_ids`: an existing upload, attached as it is
            file_id = sha[len(UNKNOWN_ID):] if by_id else self.ctx.ids.get("files", sha, f"file.{path}")
            if file_id not in self.file_paths:
                self.file_paths[file_id] = path
                batch.append(attachment_by_id(file_id, spec) if by_id else
                             attachment(sha, path, file_id, spec))
        wire.attach(self.ctx.writer, self.ctx.store_id(self.store_key), batch)
        self.ctx.progress.indexing(self.store_key, len(batch))
        self.deadline = time.monotonic() + self.ctx.index_timeout_s
        return Poll(self.FIRST_POLL_S)

    def _poll(self) -> Poll | None:
        """Until indexed; then the store's file list must hold every file sent, as the server says.

        A store this apply made, with at most a page of files, is polled by listing its files: the
        list says both whether indexing is done and what the store holds, in one request, and is
        what the read-back would read (nothing else touches the store's files after this step).
        """
        store_id = self.ctx.store_id(self.store_key)
        fresh = self.ctx.ids.created_items(VECTOR_STORE).get(self.store_key) == store_id
        if fresh and len(self.file_paths) <= LIST_LIMIT[1]:  # a page of files
            listed = wire.store_files(self.ctx.writer, store_id)
            if any(vs_file.status == "in_progress" for vs_file in listed):
                return self._wait(None)
            total = len(listed)
        else:
            store, hint = wire.indexing(self.ctx.writer, store_id)
            if store.file_counts.in_progress:
                return self._wait(hint)
            total = store.file_counts.total
            listed = wire.store_files(self.ctx.writer, store_id, total)
        if fresh:
            self.ctx.listed[store_id] = [vs_file.to_dict() for vs_file in listed]
        self._check(listed, total)
        return None

    def _wait(self, hint: float | None) -> Poll:
        if time.monotonic() > self.deadline:
            raise StepFailed(
                f"vector_store.{self.store_key} is still indexing after {self.ctx.index_timeout_s:.0f} s",
                "run `aac apply` again later; files already attached are kept",
            )
        self.delay = hint if hint is not None else min(self.delay * 1.5, 2.0)
        return Poll(self.delay)

    def _check(self, listed: list[Any], total: int) -> None:
        failed = self._failed(listed)
        missing = self._missing(listed)
        self.ctx.progress.indexed(self.store_key, len(self.file_paths) - len(missing), len(failed))
        if missing:
            self._raise_missing(missing, short=len(listed) < total)
        if failed:
            self._raise(failed)

    def _missing(self, listed: list[Any]) -> list[str]:
        """Paths of files sent that the server's own file list does not hold (ogx ignored whole batches)."""
        held = {vs_file.id for vs_file in listed}
        return sorted(path for file_id, path in self.file_paths.items() if file_id not in held)

    def _failed(self, listed: list[Any]) -> dict[str, str]:
        """The API's last_error message of each of our files that did not index, by path."""
        failed: dict[str, str] = {}
        for vs_file in listed:
            path = self.file_paths.get(vs_file.id)
            if path is not None and vs_file.status in ("failed", "cancelled"):
                error = vs_file.last_error
                # llama-stack sends `last_error: null` on a failed file
                failed[path] = error.message if error is not None else \
                    f"{vs_file.status}, and the server gave no reason (last_error is null)"
        return failed

    def _raise_missing(self, missing: list[str], *, short: bool) -> None:
        sent = len(self.file_paths)
        holds = "shows" if short else "holds"
        message = (f"vector_store.{self.store_key}: the server accepted {sent} files but its file list {holds} "
                   f"{sent - len(missing)} of them; missing {', '.join(missing[:3])}"
                   + (f" (and {len(missing) - 3} more)" if len(missing) > 3 else ""))
        if short:
            message += " (its listing is itself short of its own file_counts: an incomplete read, not proof)"
        by_address = {f"vector_store_file.{self.store_key}/{path}": message for path in missing}
        raise StepFailed(message, "the server did not attach what it accepted; run `aac apply` again, and if "
                         "the files are still missing, see docs/servers.md for this server",
                         by_address)

    def _raise(self, failed: dict[str, str]) -> None:
        by_address = {
            f"vector_store_file.{self.store_key}/{path}": f"the API could not index {path}: {message}"
            for path, message in sorted(failed.items())
        }
        first = next(iter(by_address.values()))
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        raise StepFailed(f"{first}{more}", "fix or remove the file in the manifest, then run `aac apply` again",
                         by_address)

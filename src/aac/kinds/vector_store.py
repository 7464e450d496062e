"""The vector store: a kind whose content is files, attached (and detached) as changes of their own.

Its changes: create, update (name, expiry, metadata), replace (chunking and description can only be
set at creation, and an expired store cannot be used again), delete. Its files are
`vector_store_file.STORE/PATH` changes (aac.plan.files), whose steps this kind brings: attach and
wait until indexed, then detach what is stale.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from aac.canonical import UNKNOWN_ID, drop_none, normalise, user_metadata
from aac.drift.files import store_files_drift
from aac.identity import fingerprint, is_protected
from aac.kinds.base import JSON, Kind
from aac.live import live_store
from aac.plan.model import FRESH, Action, Change
from aac.resources import (
    VECTOR_STORE,
    VECTOR_STORE_FILE,
    LiveState,
    LiveVectorStore,
    VectorStoreSpec,
)

if TYPE_CHECKING:
    from aac.apply.build import Builder
    from aac.importer.run import ImportRun
    from aac.manifest.context import LoadContext
    from aac.manifest.yaml_load import Document

EXPIRED_REASON = "the store expired (expires_after), so it is rebuilt"


# What the API reports per file for `auto` (API_FACTS 3.2: "Auto means 800/400").
AUTO_CHUNKING: JSON = {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}


def canonical_chunking(value: Any) -> Any:
    if value is None or (isinstance(value, Mapping) and value.get("type") == "auto"):
        return AUTO_CHUNKING
    return value


def canonical_vector_store(spec: VectorStoreSpec) -> JSON:
    return normalise({
        "display_name": spec.display_name,
        "chunking_strategy": canonical_chunking(spec.chunking_strategy),
        "expires_after": spec.expires_after or None,
        "description": spec.description or None,
        "metadata": user_metadata(spec.metadata),
        "protect": spec.protect,
    })


def canonical_live_vector_store(live: LiveVectorStore, state: LiveState) -> JSON:
    """The store as read; `chunking_strategy` comes from its files (None when it has none)."""
    raw = live.raw
    expires = raw.get("expires_after")
    return normalise({
        "display_name": raw.get("name"),
        "chunking_strategy": live_chunking(live),
        "expires_after": drop_none(expires) if isinstance(expires, Mapping) else None,
        "metadata": user_metadata(raw.get("metadata"), state.reserved_metadata),
        "protect": is_protected(raw.get("metadata")),
    })


def live_chunking(live: LiveVectorStore) -> Any:
    """The chunking the store's files were indexed with; None when no file tells."""
    seen = {}
    for attachment in live.files:
        strategy = attachment.chunking_strategy
        if isinstance(strategy, Mapping) and strategy.get("type") == "static":
            seen[repr(normalise(strategy))] = normalise(strategy)
    if len(seen) > 1:
        return {"type": "mixed", "strategies": [seen[k] for k in sorted(seen)]}
    return next(iter(seen.values()), None)


def _untold(desired: JSON, live: JSON) -> tuple[str, ...]:
    """A store with no indexed file cannot tell its chunking: it is compared through the tag."""
    return ("chunking_strategy",) if "chunking_strategy" in desired and live.get("chunking_strategy") is None else ()


def _align(desired: JSON, live: JSON) -> JSON:
    if _untold(desired, live):
        return {**live, "chunking_strategy": desired["chunking_strategy"]}
    return live


def _candidates(want: JSON) -> Iterator[JSON]:
    if want.get("description") is not None:
        yield {"description": None}  # a description added to the manifest since


def _rebuild_expired(change: Change, obj: LiveVectorStore | None) -> Change:
    """An expired store cannot be searched or attached to again (API_FACTS 3.3): rebuild it."""
    if obj is None or obj.raw.get("status") != "expired" or change.action is Action.REPLACE:
        return change
    return replace(change, action=Action.REPLACE, reason=EXPIRED_REASON)


def fresh(builder: Builder, key: str) -> bool:
    change = builder.changes(VECTOR_STORE).get(key)
    return change is not None and change.action in FRESH


def _steps(b: Builder, stores: Mapping[str, Change]) -> None:
    from aac.apply import actions, converge  # here: the applier imports the kinds
    created = []
    for change in stores.values():
        if change.action is Action.DELETE:
            continue
        refusal = b.guard(change, deleting=change.action is Action.REPLACE)  # a rebuild deletes the old
        if refusal:
            b.add(b.sid(change), refusal, [change.address])
            continue
        retag = b.add(f"retag:{change.address}", actions.retag(b.ctx, change), [change.address]) \
            if change.action is Action.REPLACE else None
        b.add(b.sid(change), actions.save_store(b.ctx, change), [change.address], needs=[retag])
        if change.action in FRESH:
            created.append(b.sid(change))
    if created:
        b.add("settle:vector_store", lambda: converge.settle(b.ctx, VECTOR_STORE, b.ctx.writer.list_vector_stores,
                                                             b.ctx.writer.delete_vector_store), after=created)
    _attachments(b)


def _attachments(b: Builder) -> None:
    from aac.apply import actions  # here: the applier imports the kinds
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
        run = actions.Attach(b.ctx, key, sorted(files.items()))
        store = b.has(f"{VECTOR_STORE}:{key}") if fresh(b, key) else None  # else its id is live
        b.add(f"attach:{key}", run, addresses[key], needs=[store, *b.needs_uploads(files.values())],
              after=[b.has("settle:files"), b.has("settle:vector_store")])
    for change in attachments:
        _detach(b, change)


def _attachment(b: Builder, change: Change, entries: dict[str, dict[str, str]],
                addresses: dict[str, list[str]]) -> None:
    from aac.apply import actions  # here: the applier imports the kinds
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
        b.add(f"attributes:{change.address}", actions.update_attributes(b.ctx, change), [change.address])


def _detach(b: Builder, change: Change) -> None:
    from aac.apply import actions  # here: the applier imports the kinds
    if change.action not in (Action.DELETE, Action.REPLACE) or change.before is None:
        return
    key, file_id = str(change.before["vector_store"]), str(change.before["file_id"])
    store = b.changes(VECTOR_STORE).get(key)
    if store is not None and store.action in (Action.DELETE, Action.REPLACE):
        return  # the store goes, with its files
    run: Callable[[], object] = actions.detach(b.ctx, key, file_id)
    if change.action is Action.REPLACE and change.after is not None and change.after.get("sha256"):
        run = _detach_unless_same(b, key, file_id, str(change.after["sha256"]))
    sid = b.add(f"detach:{change.address}", run, [change.address], needs=[b.has(f"attach:{key}")])
    b.detach_steps[file_id].append(sid)


def _detach_unless_same(b: Builder, key: str, file_id: str, sha: str) -> Callable[[], object]:
    from aac.apply import actions  # here: the applier imports the kinds
    detach = actions.detach(b.ctx, key, file_id)

    def run() -> None:
        if b.ctx.ids.files.get(sha) != file_id:  # re-indexing the same file: nothing to detach
            detach()

    return run


def _deletes(b: Builder, stores: Mapping[str, Change]) -> None:
    from aac.apply import actions  # here: the applier imports the kinds
    for key, change in stores.items():
        if change.action not in (Action.DELETE, Action.REPLACE) or not change.id:
            continue
        files = [c.address for c in b.changes(VECTOR_STORE_FILE).values()
                 if c.store_key == key and c.action is not Action.CREATE]
        needs = b.users_of(change.id)
        if change.action is Action.REPLACE:
            needs += [b.sid(change), b.has(f"attach:{key}") or ""]
        run = b.guard(change, deleting=True) or actions.delete_store(b.ctx, change.id)
        b.add(f"delete:{change.address}", run, [change.address, *files], needs=needs)


def _import(run: ImportRun, raw: Mapping[str, Any]) -> None:
    from aac.importer.manifests import render_store

    key = run.claim(VECTOR_STORE, raw, "vector-store")
    if run.fresh(raw):
        run.add(key, render_store(run.src, raw, key))


def _load(ctx: LoadContext, doc: Document) -> Iterator[tuple[str, Any]]:
    from aac.manifest.normalize import normalize_vector_store

    yield VECTOR_STORE, normalize_vector_store(ctx, doc)


KIND = Kind(
    rebuilds=True,
    name=VECTOR_STORE,
    label="vector store",
    collection="vector_stores",
    id_prefix="vs_",
    desired=lambda desired: desired.vector_stores,
    read=lambda reader: reader.vector_stores(),
    live_object=live_store,
    fingerprint=lambda store: fingerprint({**store.raw, "aac:attached": sorted(f.file_id for f in store.files)}),
    live=lambda live: live.vector_stores,
    canonical=lambda spec, hashes, live: canonical_vector_store(spec),
    canonical_live=canonical_live_vector_store,
    load=_load,
    write_only=("description",),
    untold=_untold,
    write_only_candidates=_candidates,
    align=_align,
    replace_reasons={
        "chunking_strategy": "chunking_strategy applies to each file when it is attached, so the store is rebuilt",
        "description": "a vector store's description can only be set when the store is created",
    },
    adjust=_rebuild_expired,
    content_drift=store_files_drift,
    update=lambda writer, obj, body: writer.update_vector_store(obj.id, body),
    steps=_steps,
    deletes=_deletes,
    ready=lambda b, key: (f"{VECTOR_STORE}:{key}", b.has(f"attach:{key}")),  # indexed before it is used
    import_manifest=_import,
)

"""Live state: read this stack's objects from the target, then index them by key.

`read_live` makes the API calls (lists only, concurrently where independent);
`index_live` is pure over a snapshot of raw API dicts, which is also the format of the
golden cases' `live.json`: each kind's collection ("assistants", "vector_stores", "agents", "vaults": lists;
a child kind's, "credentials": {vault_id: [...]}), "vector_store_files": {vs_id: [...]} and "files": [...].
A collection is null where the target has no API for it ("assistants" on OpenAI since the sunset).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from aac.errors import AacError
from aac.identity import matches_size, parse_upload_filename
from aac.kinds import BY_NAME, KINDS
from aac.kinds.base import Child, Kind, OptionalApi, live_refs
from aac.resources import SERVER_METADATA, VECTOR_STORE, LiveFile, LiveState

if TYPE_CHECKING:
    from aac.api.reader import Reader  # the index is pure: validate and plan rendering load no SDK

Snapshot = dict[str, Any]


def read_live(reader: Reader, stack: str, *, parallelism: int = 8,
              known_files: Mapping[str, list[dict[str, Any]]] | None = None) -> LiveState:
    """Everything this stack owns on the target, read in pages (no GET per object); the stores in
    `known_files` (by id) keep those file lists (read_snapshot)."""
    start = reader.requests
    snapshot = read_snapshot(reader, stack, parallelism=parallelism, known_files=known_files)
    return replace(index_live(snapshot, stack, reader.reserved_metadata), requests=reader.requests - start)


def read_snapshot(reader: Reader, stack: str, *, parallelism: int = 8,
                  known_files: Mapping[str, list[dict[str, Any]]] | None = None) -> Snapshot:
    """Every kind's collection and the uploads concurrently; then what lives inside this stack's objects:
    the files of each of its stores (except those in `known_files`, by store id: an apply's read-back rereads
    only what it touched) and the objects of child kinds (a vault's credentials)."""
    known = known_files or {}
    pool = ThreadPoolExecutor(max_workers=max(1, parallelism))
    try:
        listing = {kind.collection: pool.submit(_or_none, functools.partial(kind.read, reader), _unavailable(kind))
                   for kind in KINDS if not isinstance(kind, Child)}
        files = pool.submit(reader.files, "assistants")
        snapshot: Snapshot = {collection: future.result() for collection, future in listing.items()}
        stores = BY_NAME[VECTOR_STORE]
        owned = [vs for vs in snapshot["vector_stores"] if _owned_by(vs, stack, stores) and vs["id"] not in known]
        listed = pool.map(lambda vs: store_files(reader, vs), owned)
        for kind in KINDS:
            if isinstance(kind, Child):
                snapshot[kind.collection] = _children(pool, reader, kind, snapshot[BY_NAME[kind.parent].collection],
                                                      stack)
        vs_files = {vs["id"]: files for vs, files in zip(owned, listed, strict=True)}
        unread = {vs["id"]: _total(vs) - len(vs_files[vs["id"]]) for vs in owned}
        vs_files.update({vs_id: list(raws) for vs_id, raws in known.items()})
        return {**snapshot, "vector_store_files": vs_files, "files": files.result(),
                "unread": {vs_id: count for vs_id, count in unread.items() if count > 0}}
    finally:
        # On an error or Ctrl-C, requests in flight finish; queued ones are never sent.
        pool.shutdown(wait=True, cancel_futures=True)


def _unavailable(kind: Kind) -> type[AacError] | None:
    return kind.unavailable_error if isinstance(kind, OptionalApi) else None


def _children(pool: ThreadPoolExecutor, reader: Reader, kind: Child, parents: list[dict[str, Any]] | None,
              stack: str) -> dict[str, list[dict[str, Any]]] | None:
    """A child kind's objects by parent id, read inside this stack's parents only; None without their API."""
    if parents is None:
        return None
    mine = [raw for raw in parents if _owned_by(raw, stack, BY_NAME[kind.parent])]
    listed = pool.map(lambda raw: kind.read_children(reader, raw), mine)
    return {str(raw["id"]): children for raw, children in zip(mine, listed, strict=True)}


def _total(raw: Mapping[str, Any]) -> int:
    counts = raw.get("file_counts")
    total = counts.get("total") if isinstance(counts, Mapping) else None
    return total if isinstance(total, int) else 0


def store_files(reader: Reader, raw: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A store's files; a listing short of the store's own `file_counts.total` is read again in the
    other order and merged: llama-stack's `after` cursor skips files sharing a `created_at` second,
    and the two orders skip different ones."""
    files = reader.vector_store_files(raw["id"])
    if len(files) >= _total(raw):
        return files
    merged = {f["id"]: f for f in (*files, *reader.vector_store_files(raw["id"], order="asc"))}
    reader.note(f"detected: the server listed {len(files)} of the {_total(raw)} files of vector store "
                f"{raw['id']}; listed again oldest first, {len(merged)} in all")
    return list(merged.values())


def _or_none(read: Callable[[], list[dict[str, Any]]],
             unavailable: type[AacError] | None) -> list[dict[str, Any]] | None:
    """A collection, or None where the target lacks its API: not an error unless the stack declares one."""
    try:
        return read()
    except AacError as exc:
        if unavailable is not None and isinstance(exc, unavailable):
            return None
        raise


def _owned_by(raw: Mapping[str, Any], stack: str, kind: Kind) -> bool:
    owner = kind.owner(raw)
    return owner is not None and owner[0] == stack


def index_live(snapshot: Mapping[str, Any], stack: str,
               reserved: frozenset[str] = frozenset(SERVER_METADATA)) -> LiveState:
    """Keep what carries this stack's tags, keyed like the manifests; count the rest.

    A collection that is None is a kind whose API the target lacks; one the snapshot does not have (a
    snapshot from before the kind existed) has none of them."""
    objects: dict[str, dict[str, Any]] = {}
    foreign: dict[str, int] = {}
    for kind in KINDS:
        owned, others = _index(_flat(snapshot.get(kind.collection)), stack, kind)
        objects[kind.name] = {key: kind.live_object(key, raw, snapshot) for key, raw in owned.items()}
        if not isinstance(kind, Child) and snapshot.get(kind.collection) is not None:
            foreign[kind.collection] = others
    files, foreign["files"] = _files(snapshot.get("files") or [], stack)
    unavailable = frozenset(kind.name for kind in KINDS
                            if kind.collection in snapshot and snapshot[kind.collection] is None)
    kind = BY_NAME[VECTOR_STORE]
    stores = [raw for raw in snapshot.get("vector_stores") or [] if not _owned_by(raw, stack, kind)]
    vs_files = snapshot.get("vector_store_files") or {}
    return LiveState(
        objects=objects,
        files=files,
        unavailable=unavailable,
        foreign=foreign,
        foreign_ids={kind.name: frozenset(str(raw["id"]) for raw in _flat(snapshot.get(kind.collection))
                                          if not _owned_by(raw, stack, kind)) for kind in KINDS},
        foreign_stores=tuple(stores),
        # An object's use of an upload wins over a store's: `aac plan` names the one a user would look at first.
        foreign_uses={**_store_uses({r["id"]: vs_files[r["id"]] for r in stores if r["id"] in vs_files}),
                      **_foreign_refs(snapshot, stack)},
        reserved_metadata=reserved,
        upload_bytes={str(raw["id"]): int(raw.get("bytes") or 0) for raw in snapshot.get("files") or []},
    )


def _store_uses(store_files: Mapping[str, Iterable[Mapping[str, Any]]]) -> dict[str, str]:
    """Upload id -> the first vector store this stack does not own that holds it (deleting the upload would
    empty it). An assistant's code-interpreter files are its live refs (aac.live._foreign_refs)."""
    uses: dict[str, str] = {}
    for store_id, attachments in sorted(store_files.items()):
        for attachment in attachments:
            uses.setdefault(str(attachment["id"]), f"vector store {store_id}")
    return uses


def _foreign_refs(snapshot: Mapping[str, Any], stack: str) -> dict[str, str]:
    """Live id -> the first object this stack does not own that names it: an agent its credential, a credential
    its vault (the API deletes a vault's credentials with it), an assistant its vector store. What an object of
    the stack that such an object uses names is used too (the vault of a credential a foreign agent uses)."""
    uses: dict[str, str] = {}
    raws = {kind.name: _flat(snapshot.get(kind.collection)) for kind in KINDS}
    for kind in KINDS:
        for raw in raws[kind.name]:
            for ref in live_refs(kind, raw) if not _owned_by(raw, stack, kind) else ():
                uses.setdefault(ref, f"{kind.label} {raw['id']}")
    for kind in KINDS:
        for raw in raws[kind.name]:
            for ref in live_refs(kind, raw) if _owned_by(raw, stack, kind) and raw["id"] in uses else ():
                uses.setdefault(ref, f"{uses[raw['id']]} (through {kind.label} {raw['id']})")
    return uses


def _flat(raws: Any) -> list[Mapping[str, Any]]:
    """A collection of the snapshot as one list (a child kind's is grouped by parent id)."""
    return [raw for group in raws.values() for raw in group] if isinstance(raws, Mapping) else list(raws or [])


def with_foreign_uses(reader: Reader, live: LiveState, *, parallelism: int = 8) -> LiveState:
    """`live`, with the uploads that the vector stores this stack does not own hold (a request per store).

    Read only when a plan would delete an upload: the no-op plan stays a few pages. Read as the stack's own
    stores are (store_files), so an upload a lossy cursor skipped is not taken for unused and deleted."""
    stores, start = live.foreign_stores, reader.requests
    with ThreadPoolExecutor(max_workers=max(1, parallelism)) as pool:
        listed = list(pool.map(lambda raw: store_files(reader, raw), stores))
    by_store = {str(raw["id"]): files for raw, files in zip(stores, listed, strict=True)}
    uses = {**_store_uses(by_store), **live.foreign_uses}
    unread = tuple(str(raw["id"]) for raw, files in zip(stores, listed, strict=True) if len(files) < _total(raw))
    return replace(live, foreign_uses=uses, foreign_unread=unread,
                   requests=live.requests + reader.requests - start)


def _index(objects: list[Mapping[str, Any]], stack: str, kind: Kind) -> tuple[dict[str, Mapping[str, Any]], int]:
    owned: dict[str, Mapping[str, Any]] = {}
    foreign = 0
    for raw in objects:
        owner = kind.owner(raw)
        if owner is None or owner[0] != stack:
            foreign += 1
            continue
        key = owner[1]
        if key in owned:
            first, second = sorted([owned[key]["id"], raw["id"]])
            raise AacError(
                f"two live {kind.label}s carry the key {key!r} of stack {stack!r}: {first} and {second}",
                "delete one of them, or remove the aac-key tag from its metadata, then plan again",
            )
        owned[key] = raw
    return owned, foreign


def _files(objects: list[Mapping[str, Any]], stack: str) -> tuple[dict[str, LiveFile], int]:
    owned: dict[str, LiveFile] = {}
    foreign = 0
    for raw in objects:
        sha = parse_upload_filename(str(raw.get("filename") or ""), stack)
        if sha is None:
            foreign += 1
            continue
        owned[raw["id"]] = LiveFile(
            id=raw["id"],
            filename=raw["filename"],
            bytes=int(raw.get("bytes") or 0),
            created_at=int(raw.get("created_at") or 0),
            purpose=str(raw.get("purpose") or ""),
            sha256=sha,
            raw=raw,
        )
    return owned, foreign


def without_impostors(live: LiveState, sizes: Mapping[str, int]) -> tuple[LiveState, list[LiveFile]]:
    """`live` without the uploads whose name claims bytes of the stack (sha256 -> size) their size denies."""
    impostors = [f for f in live.files.values() if f.sha256 and not matches_size(f.sha256, f.raw.get("bytes"), sizes)]
    if not impostors:
        return live, []
    files = {i: f for i, f in live.files.items() if f not in impostors}
    return replace(live, files=files), impostors

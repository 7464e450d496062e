"""Live state: read this stack's objects from the target, then index them by key.

`read_live` makes the API calls (lists only, concurrently where independent);
`index_live` is pure over a snapshot of raw API dicts, which is also the format of the
golden cases' `live.json`:
{"assistants": [...], "vector_stores": [...], "vector_store_files": {vs_id: [...]}, "files": [...]}
("assistants": null where the target has no Assistants API).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from aac.api.errors import AgentsUnavailable, AssistantsUnavailable
from aac.api.reader import Reader
from aac.errors import AacError
from aac.identity import matches_size, owner_of, parse_upload_filename
from aac.resources import (
    AGENT,
    ASSISTANT,
    CREDENTIAL,
    SERVER_METADATA,
    VAULT,
    VECTOR_STORE,
    LiveFile,
    LiveObject,
    LiveState,
    LiveVectorStore,
    LiveVectorStoreFile,
)

Snapshot = dict[str, Any]


def read_live(reader: Reader, stack: str, *, parallelism: int = 8) -> LiveState:
    """Everything this stack owns on the target, read in pages (no GET per object)."""
    start = reader.requests
    snapshot = read_snapshot(reader, stack, parallelism=parallelism)
    return replace(index_live(snapshot, stack, reader.reserved_metadata), requests=reader.requests - start)


def read_snapshot(reader: Reader, stack: str, *, parallelism: int = 8,
                  known_files: Mapping[str, list[dict[str, Any]]] | None = None) -> Snapshot:
    """The three collections concurrently, then the files of each of this stack's stores
    (except those in `known_files`, by store id: an apply's read-back rereads only what it touched)."""
    known = known_files or {}
    pool = ThreadPoolExecutor(max_workers=max(1, parallelism))
    try:
        assistants = pool.submit(_or_none, reader.assistants, AssistantsUnavailable)
        stores = pool.submit(reader.vector_stores)
        files = pool.submit(reader.files, "assistants")
        agents = pool.submit(_or_none, reader.agents, AgentsUnavailable)
        vaults = pool.submit(_or_none, reader.vaults, AgentsUnavailable)
        owned = [vs for vs in stores.result() if _owned_by(vs, stack) and vs["id"] not in known]
        listed = pool.map(lambda vs: store_files(reader, vs), owned)
        owned_vaults = [v for v in vaults.result() or [] if _owned_by(v, stack)]
        credentials = pool.map(lambda v: reader.credentials(v["id"]), owned_vaults)
        vs_files = {vs["id"]: files for vs, files in zip(owned, listed, strict=True)}
        unread = {vs["id"]: _total(vs) - len(vs_files[vs["id"]]) for vs in owned}
        vs_files.update({vs_id: list(raws) for vs_id, raws in known.items()})
        return {
            "assistants": assistants.result(),
            "vector_stores": stores.result(),
            "vector_store_files": vs_files,
            "files": files.result(),
            "unread": {vs_id: count for vs_id, count in unread.items() if count > 0},
            # None where the target has no Agents API; absent (older snapshots) reads as none of them.
            "agents": agents.result() if vaults.result() is not None else None,
            "vaults": vaults.result(),
            "credentials": {v["id"]: creds for v, creds in zip(owned_vaults, credentials, strict=True)},
        }
    finally:
        # On an error or Ctrl-C, requests in flight finish; queued ones are never sent.
        pool.shutdown(wait=True, cancel_futures=True)


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


def _or_none(read: Callable[[], list[dict[str, Any]]], unavailable: type[AacError]) -> list[dict[str, Any]] | None:
    """A collection, or None where the target lacks its API: not an error unless the stack declares one."""
    try:
        return read()
    except unavailable:
        return None


def _owned_by(raw: Mapping[str, Any], stack: str) -> bool:
    owner = owner_of(raw.get("metadata"))
    return owner is not None and owner[0] == stack


def index_live(snapshot: Mapping[str, Any], stack: str,
               reserved: frozenset[str] = frozenset(SERVER_METADATA)) -> LiveState:
    """Keep what carries this stack's tags, keyed like the manifests; count the rest."""
    raw_assistants = snapshot.get("assistants")
    assistants, foreign_assistants = _index(raw_assistants or [], stack, ASSISTANT)
    stores, foreign_stores = _index(snapshot.get("vector_stores") or [], stack, VECTOR_STORE)
    vs_files = snapshot.get("vector_store_files") or {}
    unread = snapshot.get("unread") or {}
    files, foreign_files = _files(snapshot.get("files") or [], stack)
    others = tuple(raw for raw in snapshot.get("vector_stores") or [] if not _owned_by(raw, stack))
    agents, foreign_agents = _index(snapshot.get("agents") or [], stack, AGENT)
    vaults, foreign_vaults = _index(snapshot.get("vaults") or [], stack, VAULT)
    credentials, _ = _index([c for cs in (snapshot.get("credentials") or {}).values() for c in cs], stack, CREDENTIAL)
    unavailable = {ASSISTANT} if raw_assistants is None else set()
    if "agents" in snapshot and snapshot["agents"] is None:
        unavailable |= {AGENT, VAULT, CREDENTIAL}
    return LiveState(
        assistants=_objects(assistants),
        vector_stores={
            key: LiveVectorStore(id=raw["id"], key=key, raw=raw, files=_attachments(vs_files.get(raw["id"], [])),
                                 unread=int(unread.get(raw["id"], 0)))
            for key, raw in stores.items()
        },
        files=files,
        unavailable=frozenset(unavailable),
        foreign={"assistants": foreign_assistants, "vector_stores": foreign_stores, "files": foreign_files,
                 **({"agents": foreign_agents, "vaults": foreign_vaults} if foreign_agents or foreign_vaults else {})},
        foreign_stores=others,
        foreign_uses=_foreign_uses(raw_assistants or [], {r["id"]: vs_files[r["id"]] for r in others
                                                          if r["id"] in vs_files}, stack),
        reserved_metadata=reserved,
        agents=_objects(agents),
        vaults=_objects(vaults),
        credentials=_objects(credentials),
    )


def _objects(owned: Mapping[str, Mapping[str, Any]]) -> dict[str, LiveObject]:
    return {key: LiveObject(id=raw["id"], key=key, raw=raw) for key, raw in owned.items()}


def _foreign_uses(assistants: Iterable[Mapping[str, Any]],
                  store_files: Mapping[str, Iterable[Mapping[str, Any]]], stack: str) -> dict[str, str]:
    """Upload id -> the first object this stack does not own that uses it (deleting the upload would
    empty that store, or clear that assistant's code-interpreter files)."""
    uses: dict[str, str] = {}
    for raw in assistants:
        if not _owned_by(raw, stack):
            for file_id in ((raw.get("tool_resources") or {}).get("code_interpreter") or {}).get("file_ids") or []:
                uses.setdefault(str(file_id), f"assistant {raw['id']}")
    for store_id, attachments in sorted(store_files.items()):
        for attachment in attachments:
            uses.setdefault(str(attachment["id"]), f"vector store {store_id}")
    return uses


def with_foreign_uses(reader: Reader, live: LiveState, *, parallelism: int = 8) -> LiveState:
    """`live`, with the uploads that the vector stores this stack does not own hold (a request per store).

    Read only when a plan would delete an upload: the no-op plan stays a few pages. Read as the stack's own
    stores are (store_files), so an upload a lossy cursor skipped is not taken for unused and deleted."""
    stores, start = live.foreign_stores, reader.requests
    with ThreadPoolExecutor(max_workers=max(1, parallelism)) as pool:
        listed = list(pool.map(lambda raw: store_files(reader, raw), stores))
    by_store = {str(raw["id"]): files for raw, files in zip(stores, listed, strict=True)}
    uses = {**_foreign_uses([], by_store, ""), **live.foreign_uses}
    unread = tuple(str(raw["id"]) for raw, files in zip(stores, listed, strict=True) if len(files) < _total(raw))
    return replace(live, foreign_uses=uses, foreign_unread=unread,
                   requests=live.requests + reader.requests - start)


def _index(objects: list[Mapping[str, Any]], stack: str, kind: str) -> tuple[dict[str, Mapping[str, Any]], int]:
    owned: dict[str, Mapping[str, Any]] = {}
    foreign = 0
    for raw in objects:
        owner = owner_of(raw.get("metadata"))
        if owner is None or owner[0] != stack:
            foreign += 1
            continue
        key = owner[1]
        if key in owned:
            first, second = sorted([owned[key]["id"], raw["id"]])
            raise AacError(
                f"two live {kind.replace('_', ' ')}s carry the key {key!r} of stack {stack!r}: {first} and {second}",
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


def _attachments(objects: list[Mapping[str, Any]]) -> tuple[LiveVectorStoreFile, ...]:
    return tuple(
        LiveVectorStoreFile(
            file_id=raw["id"],
            status=str(raw.get("status") or ""),
            usage_bytes=int(raw.get("usage_bytes") or 0),
            attributes=raw.get("attributes") or {},
            last_error=raw.get("last_error"),
            chunking_strategy=raw.get("chunking_strategy"),
            raw=raw,
        )
        for raw in sorted(objects, key=lambda r: str(r["id"]))
    )

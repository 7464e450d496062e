"""Vector-store indexing: files start `in_progress` and settle after a short, fixed delay.

State advances lazily when it is read, so there is no background thread and the outcome
depends only on the file and the clock: an unsupported extension fails with
`unsupported_file`, an empty file with `invalid_file`, anything else completes.
`usage_bytes` is derived from the content (bytes plus one 256-dimension float32 embedding
per chunk), so the same file always costs the same.
"""

from __future__ import annotations

import math
import time
from pathlib import PurePosixPath
from typing import Any

from aac import limits
from aac.sandbox.apierror import no_file
from aac.sandbox.profiles import UNCONFIGURED
from aac.sandbox.store import JSON, Store

EMBEDDING_BYTES = 256 * 4  # text-embedding-3-large at 256 dimensions (API_FACTS 3.7)
AUTO_CHUNKING: JSON = {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}
STATUSES = ("in_progress", "completed", "failed", "cancelled")
VS_FILE = "vs_file"
VECTOR_STORE = "vector_store"
BATCH = "batch"
FILE = "file"


def resolve_chunking(strategy: JSON | None) -> JSON:
    """The stored form of a chunking strategy: `auto` becomes its static equivalent."""
    if not strategy or strategy.get("type") == "auto":
        return {"type": "static", "static": dict(AUTO_CHUNKING["static"])}
    return {"type": "static", "static": dict(strategy["static"])}


def usage_bytes(size: int, chunking: JSON) -> int:
    static = chunking["static"]
    tokens = math.ceil(size / 4)
    step = max(1, static["max_chunk_size_tokens"] - static["chunk_overlap_tokens"])
    chunks = max(1, math.ceil(max(0, tokens - static["chunk_overlap_tokens"]) / step))
    return size + chunks * EMBEDDING_BYTES


def _outcome(file: JSON) -> JSON | None:
    """The `last_error` indexing this file will end with, or None when it will succeed."""
    suffix = PurePosixPath(file["filename"]).suffix.lower()
    if suffix not in limits.FILE_SEARCH_EXTENSIONS:
        return {
            "code": "unsupported_file",
            "message": f"The file type {suffix or '(none)'} is not supported for file_search.",
        }
    if file["bytes"] == 0:
        return {"code": "invalid_file", "message": "The file is empty and cannot be indexed."}
    return None


def _unconfigured(store: Store, vector_store_id: str) -> JSON | None:
    """llama-stack-family servers index through the provider named in the store's own metadata."""
    vector_store = store.get(VECTOR_STORE, vector_store_id) or {}
    if not store.profile.server_metadata or "provider_id" in (vector_store.get("metadata") or {}):
        return None
    return {"code": "server_error", "message": UNCONFIGURED.format(id=vector_store_id)}


def attach(
    store: Store,
    vector_store_id: str,
    file_id: str,
    *,
    chunking_strategy: JSON | None = None,
    attributes: dict[str, Any] | None = None,
    batch_id: str | None = None,
) -> JSON:
    """Add a file to a vector store (or re-add it), indexing from now."""
    file = store.get(FILE, file_id)
    if file is None:
        raise no_file(file_id)
    now = time.time()
    chunking = resolve_chunking(chunking_strategy)
    error = _outcome(file) or _unconfigured(store, vector_store_id)
    vs_file: JSON = {
        "id": file_id,
        "object": "vector_store.file",
        "usage_bytes": 0,
        "created_at": int(now),
        "vector_store_id": vector_store_id,
        "status": "in_progress",
        "last_error": None,
        "chunking_strategy": chunking,
        "attributes": attributes or {},
        "_ready_at": now + store.index_delay_s,
        "_error": error,
        "_usage": 0 if error else usage_bytes(file["bytes"], chunking),
        "_batch_id": batch_id,
    }
    store.delete(VS_FILE, file_id, vector_store_id)
    store.insert(VS_FILE, vs_file, vector_store_id)
    touch(store, vector_store_id)
    return vs_file


def settle(store: Store, vector_store_id: str) -> None:
    """Finish indexing every file of a vector store whose delay has passed."""
    now = time.time()
    for vs_file in store.all(VS_FILE, vector_store_id, {"status": "in_progress"}):
        if vs_file["_ready_at"] > now:
            continue
        error = vs_file["_error"]
        vs_file["status"] = "failed" if error else "completed"
        vs_file["last_error"] = None if store.profile.null_last_error else error
        vs_file["usage_bytes"] = vs_file["_usage"] if store.profile.usage_bytes else 0
        store.put(VS_FILE, vs_file, vector_store_id)


def counts(tally: dict[str, tuple[int, int]] | None = None) -> JSON:
    """`file_counts` from a per-status tally (see Store.tally); all zero without one."""
    result = {status: (tally or {}).get(status, (0, 0))[0] for status in STATUSES}
    result["total"] = sum(result.values())
    return result


def touch(store: Store, vector_store_id: str) -> None:
    """Mark the vector store active now (expiry counts from `last_active_at`)."""
    vector_store = store.get(VECTOR_STORE, vector_store_id)
    if vector_store is None:
        return
    vector_store["last_active_at"] = int(time.time())
    _set_expiry(vector_store)
    store.put(VECTOR_STORE, vector_store)


def _set_expiry(vector_store: JSON) -> None:
    expires_after = vector_store.get("expires_after")
    if expires_after:
        vector_store["expires_at"] = vector_store["last_active_at"] + expires_after["days"] * 86400
    else:
        vector_store["expires_at"] = None


def refresh(store: Store, vector_store: JSON, *, settling: bool = True) -> JSON:
    """The vector store with status, `file_counts` and `usage_bytes` derived from its files.

    `settling=False` in the call that attached files, so it always answers `in_progress`.
    """
    if settling:
        settle(store, vector_store["id"])
    tally = store.tally(VS_FILE, vector_store["id"])
    vector_store["file_counts"] = counts(tally)
    vector_store["usage_bytes"] = sum(total for _, total in tally.values())
    _set_expiry(vector_store)
    if vector_store["expires_at"] is not None and vector_store["expires_at"] < time.time():
        vector_store["status"] = "expired"
    elif vector_store["file_counts"]["in_progress"]:
        vector_store["status"] = "in_progress"
    else:
        vector_store["status"] = "completed"
    return vector_store


def refresh_batch(store: Store, batch: JSON, *, settling: bool = True) -> JSON:
    """The batch with `file_counts` and status derived from the files it added."""
    if settling:
        settle(store, batch["vector_store_id"])
    batch["file_counts"] = counts(store.tally(VS_FILE, batch["vector_store_id"], {"_batch_id": batch["id"]}))
    if batch.get("_cancelled"):
        batch["status"] = "cancelled"
    elif batch["file_counts"]["in_progress"]:
        batch["status"] = "in_progress"
    else:
        batch["status"] = "completed"
    return batch


def cancel_batch(store: Store, batch: JSON) -> None:
    """Stop indexing the batch's pending files: they become `cancelled`."""
    settle(store, batch["vector_store_id"])
    pending = {"_batch_id": batch["id"], "status": "in_progress"}
    for vs_file in store.all(VS_FILE, batch["vector_store_id"], pending):
        vs_file["status"] = "cancelled"
        store.put(VS_FILE, vs_file, batch["vector_store_id"])
    batch["_cancelled"] = True
    store.put(BATCH, batch, batch["vector_store_id"])

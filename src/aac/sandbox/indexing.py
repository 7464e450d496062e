"""Vector-store indexing: files start `in_progress` and settle after a short, fixed delay.

State advances lazily when it is read: an unsupported extension fails with `unsupported_file`,
an empty file or an unreadable document with `invalid_file`, anything else completes. A document
(PDF, Word, PowerPoint) is parsed by a worker thread from the moment it is attached, its
extracted text kept beside its bytes, and its attachment stays `in_progress` until the text (or
why there is none) is known, as on OpenAI; the event loop never parses, so the sandbox answers
other requests meanwhile (aac.parsing bounds the work and keeps it linear). The indexed text's
chunks, in the model of `aac.chunks`, are what search ranks and what `usage_bytes` counts, so the
same file always costs the same.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import Any

from aac import chunks, limits, parsing
from aac.sandbox.apierror import no_file
from aac.sandbox.profiles import UNCONFIGURED
from aac.sandbox.store import JSON, Store

AUTO_CHUNKING: JSON = {
    "type": "static",
    "static": {"max_chunk_size_tokens": chunks.AUTO_TOKENS[0], "chunk_overlap_tokens": chunks.AUTO_TOKENS[1]},
}
STATUSES = ("in_progress", "completed", "failed", "cancelled")
VS_FILE = "vs_file"
VECTOR_STORE = "vector_store"
BATCH = "batch"
FILE = "file"
_UNREADABLE: dict[str, str] = {}  # parsed-text path -> why its document cannot be read (upload ids are never reused)
# One thread parses for every sandbox in the process: a thread, not a process, because parsing is
# linear, bounded and mostly pure Python (pypdf, expat's callbacks), so it yields the GIL to the event
# loop every few milliseconds; one, so a burst of documents queues rather than starves the loop.
_PARSER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aac-sandbox-parse")
_PARSING: dict[str, Future[None]] = {}  # parsed-text path -> its parse, queued or running
_PARSING_LOCK = threading.Lock()


def resolve_chunking(strategy: JSON | None) -> JSON:
    """The stored form of a chunking strategy: `auto` becomes its static equivalent."""
    if not strategy or strategy.get("type") == "auto":
        return {"type": "static", "static": dict(AUTO_CHUNKING["static"])}
    return {"type": "static", "static": dict(strategy["static"])}


def text_path(store: Store, file: JSON) -> Path:
    """The text a store indexes for this file: the upload itself, or its parsed text.

    Parsed text missing (a database from before the sandbox parsed) is parsed now; a document
    that cannot be read has none.
    """
    if not parsing.is_parsed(file["filename"]):
        return store.blob_path(file["id"])
    path = store.text_path(file["id"])
    if not path.exists():
        try:
            _parse(store, file)
        except ValueError:
            path.write_bytes(b"")
    return path


def _parse(store: Store, file: JSON) -> int:
    """Parse the file once (for every store it joins); the size of its text. ValueError if unreadable."""
    path = store.text_path(file["id"])
    if path.exists():
        return path.stat().st_size
    if str(path) in _UNREADABLE:
        raise ValueError(_UNREADABLE[str(path)])
    try:
        text = parsing.parsed_text(file["filename"], store.blob_path(file["id"]).read_bytes())
    except ValueError as exc:
        _UNREADABLE[str(path)] = str(exc)
        raise
    partial = path.with_name(f"{path.name}.{threading.get_ident()}.part")
    partial.write_bytes(text)
    partial.replace(path)  # atomic: two stores attaching the same document at once never read half a text
    return len(text)


async def parse_ahead(store: Store, file_ids: Iterable[str]) -> None:
    """Start parsing the documents an attach is about to index, in the worker; returns at once."""
    for file_id in file_ids:
        file = store.get(FILE, file_id)
        if file is not None and file["bytes"] and parsing.is_parsed(file["filename"]):
            _start_parse(store, file)


def _start_parse(store: Store, file: JSON) -> None:
    key = str(store.text_path(file["id"]))
    with _PARSING_LOCK:
        if key not in _PARSING and _parsed(store, file) is None:
            _PARSING[key] = _PARSER.submit(_parse_in_worker, store, file, key)


def _parse_in_worker(store: Store, file: JSON, key: str) -> None:
    try:
        _parse(store, file)
    except ValueError:
        pass  # kept in _UNREADABLE: settling reports it
    except OSError as exc:  # the store closed meanwhile, or its disk failed: the file fails, it never hangs
        _UNREADABLE[key] = f"the sandbox could not keep its text ({exc.__class__.__name__})"
    finally:
        with _PARSING_LOCK:
            _PARSING.pop(key, None)


def _parsed(store: Store, file: JSON) -> tuple[int, JSON | None] | None:
    """A parsed document's text size and error, once its parse has ended; None before."""
    path = store.text_path(file["id"])
    if path.exists():
        return path.stat().st_size, None
    if str(path) in _UNREADABLE:
        return 0, _invalid(_UNREADABLE[str(path)])
    return None


def _invalid(why: str) -> JSON:
    return {"code": "invalid_file", "message": f"The file could not be parsed: {why}."}


def _index(store: Store, file: JSON) -> tuple[int, JSON | None] | None:
    """The size of the text indexed, and the `last_error` indexing will end with (None: it succeeds);
    None while the document is being parsed."""
    suffix = PurePosixPath(file["filename"]).suffix.lower()
    if suffix not in limits.FILE_SEARCH_EXTENSIONS:
        return 0, {
            "code": "unsupported_file",
            "message": f"The file type {suffix or '(none)'} is not supported for file_search.",
        }
    if file["bytes"] == 0:
        return 0, {"code": "invalid_file", "message": "The file is empty and cannot be indexed."}
    if not parsing.is_parsed(file["filename"]):
        return file["bytes"], None
    outcome = _parsed(store, file)
    if outcome is None:
        _start_parse(store, file)
    return outcome


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
    indexed = _index(store, file)
    vs_file: JSON = {
        "id": file_id,
        "object": "vector_store.file",
        "usage_bytes": 0,
        "created_at": int(now),
        "vector_store_id": vector_store_id,
        "status": "in_progress",
        "last_error": None,
        "chunking_strategy": chunking,
        "attributes": stored_attributes(store, attributes),
        "_indexed_attributes": stored_attributes(store, attributes),  # what search sees (profile dependent)
        "_ready_at": now + store.index_delay_s,
        "_parsing": indexed is None,
        "_batch_id": batch_id,
    }
    _record(store, vs_file, indexed or (0, None))
    store.delete(VS_FILE, file_id, vector_store_id)
    store.insert(VS_FILE, vs_file, vector_store_id)
    touch(store, vector_store_id)
    return vs_file


def _record(store: Store, vs_file: JSON, indexed: tuple[int, JSON | None]) -> None:
    """What the attachment will settle with: its error (a parse's first) and its usage."""
    text_bytes, error = indexed
    error = error or _unconfigured(store, vs_file["vector_store_id"])
    vs_file["_error"] = error
    vs_file["_usage"] = 0 if error else chunks.usage_bytes(text_bytes, chunks.Chunking.of(vs_file["chunking_strategy"]))


def _parse_ended(store: Store, vs_file: JSON) -> bool:
    """Whether the attachment's document is parsed (its outcome recorded); starts its parse if none runs."""
    if not vs_file.get("_parsing"):
        return True
    file = store.get(FILE, vs_file["id"])
    outcome = _parsed(store, file) if file is not None else (0, _invalid("the file was deleted"))
    if file is not None and outcome is None:
        _start_parse(store, file)  # a no-op while it runs; again after a restart lost it
    if outcome is None:
        return False
    vs_file["_parsing"] = False
    _record(store, vs_file, outcome)
    return True


def stored_attributes(store: Store, attributes: dict[str, Any] | None) -> dict[str, Any]:
    """A file's attributes as the server keeps them: numbers as floats on a llama-stack-family profile."""
    if not store.profile.float_numbers:
        return dict(attributes or {})
    return {k: float(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in (attributes or {}).items()}


def searched_attributes(store: Store, vs_file: JSON) -> dict[str, Any]:
    """The attributes search filters on and returns: those the file was attached with, on such a profile."""
    if store.profile.attach_time_attributes:
        return dict(vs_file.get("_indexed_attributes", vs_file.get("attributes")) or {})
    return dict(vs_file.get("attributes") or {})


def settle(store: Store, vector_store_id: str) -> None:
    """Finish indexing every file of a vector store whose delay has passed and whose document is parsed."""
    now = time.time()
    for vs_file in store.all(VS_FILE, vector_store_id, {"status": "in_progress"}):
        if vs_file["_ready_at"] > now or not _parse_ended(store, vs_file):
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

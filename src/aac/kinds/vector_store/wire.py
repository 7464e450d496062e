"""A vector store's wire calls, through the `openai` SDK: create, update, delete, its files attached, updated,
detached and listed, and its indexing polled. Each goes through the Writer's retry loop."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from aac import limits
from aac.identity import first, owned_key
from aac.kinds.vector_store.attach import BatchSupport
from aac.limits import LIST_LIMIT

if TYPE_CHECKING:
    from aac.api.writer import Writer

JSON = dict[str, Any]
PAGE = LIST_LIMIT[1]


def list_mine(writer: Writer) -> list[Any]:
    """This stack's vector stores, oldest first."""
    def send() -> list[Any]:
        stores = writer.sdk.vector_stores.list(limit=PAGE, order="asc")
        return [s for s in stores if owned_key(s.metadata, writer.stack)]

    return writer.call("listing vector stores", send)


def find(writer: Writer, key: str) -> Any:
    stores = writer.sdk.vector_stores.list(limit=PAGE, order="asc")
    return first(s for s in stores if owned_key(s.metadata, writer.stack) == key)


def create(writer: Writer, key: str, params: JSON) -> Any:
    """Create with the tags in `params["metadata"]`, so a lost answer is found by its key."""
    store = writer.call(
        f"creating vector store {key}",
        lambda: writer.sdk.vector_stores.create(**params),
        lambda: find(writer, key),
    )
    record = writer.learn_server_keys(f"vector_store.{key}", params, store.metadata)
    return update(writer, store.id, {"metadata": record}) if record else store


def update(writer: Writer, store_id: str, params: JSON) -> Any:
    return writer.call(f"updating vector store {store_id}", lambda: writer.sdk.vector_stores.update(store_id, **params))


def delete(writer: Writer, store_id: str) -> None:
    writer.delete(f"deleting vector store {store_id}", lambda: writer.sdk.vector_stores.delete(store_id))


def attach(writer: Writer, store_id: str, files: list[JSON]) -> None:
    """Attach files (`{file_id, attributes, chunking_strategy?}`) in batches of up to 2,000.

    Attaching a file a store already holds re-indexes it, so a retried batch is harmless.
    Where the server refuses `files` batches (llama-stack: 400) or ignores them (ogx:
    `completed` with nothing attached), this and every later attach falls back (attach.py).
    """
    batches: BatchSupport = writer.learnt.setdefault("file batches", BatchSupport(writer.api.log.out))
    for start in range(0, len(files), limits.FILE_BATCH_MAX):
        chunk = files[start : start + limits.FILE_BATCH_MAX]
        if batches.works is False or not batches.send(writer, store_id, chunk):
            batches.attach_without(writer, store_id, chunk)


def update_attributes(writer: Writer, store_id: str, file_id: str, attributes: JSON) -> None:
    writer.call(
        f"updating the attributes of {file_id} in vector store {store_id}",
        lambda: writer.sdk.vector_stores.files.update(file_id, vector_store_id=store_id, attributes=attributes),
    )


def detach(writer: Writer, store_id: str, file_id: str) -> None:
    writer.delete(
        f"detaching {file_id} from vector store {store_id}",
        lambda: writer.sdk.vector_stores.files.delete(file_id, vector_store_id=store_id),
    )


def indexing(writer: Writer, store_id: str) -> tuple[Any, float | None]:
    """The store (with `file_counts`) and the poll interval the server suggests, in seconds."""
    raw = writer.call(
        f"reading vector store {store_id}", lambda: writer.sdk.vector_stores.with_raw_response.retrieve(store_id)
    )
    hint = raw.headers.get("openai-poll-after-ms")
    try:
        after = float(hint) / 1000 if hint else None
    except ValueError:
        after = None
    return raw.parse(), after


def store_files(writer: Writer, store_id: str, total: int = 0) -> list[Any]:
    """The files of a vector store; a listing short of `total` (the store's own count) is read
    again in the other order and merged, as aac.live does (llama-stack's lossy cursor)."""
    def send(order: Literal["asc", "desc"]) -> list[Any]:
        return list(writer.sdk.vector_stores.files.list(store_id, limit=PAGE, order=order))

    what = f"listing the files of vector store {store_id}"
    files = writer.call(what, lambda: send("desc"))
    if len(files) >= total:
        return files
    return list({f.id: f for f in (*files, *writer.call(what, lambda: send("asc")))}.values())

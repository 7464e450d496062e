"""`/v1/vector_stores/{id}/files` and `/file_batches`: attach, list, retrieve, update, remove, batch."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from aac.sandbox import indexing, schemas
from aac.sandbox.apierror import ApiError, no_batch, no_file, no_vector_store_file
from aac.sandbox.common import POLL_HEADERS, enum_query, list_params, ok, page_of, page_response, read_body, store_of
from aac.sandbox.indexing import BATCH, FILE, STATUSES, VS_FILE
from aac.sandbox.store import JSON, Store, new_id
from aac.sandbox.vector_stores import get_vector_store


def _vector_store_id(request: Request) -> str:
    """The path's vector store, which must exist (its files are settled as a side effect)."""
    vector_store_id: str = request.path_params["vector_store_id"]
    get_vector_store(store_of(request), vector_store_id)
    return vector_store_id


def _get_file(store: Store, vector_store_id: str, file_id: str) -> JSON:
    vs_file = store.get(VS_FILE, file_id, vector_store_id)
    if vs_file is None:
        raise no_vector_store_file(vector_store_id, file_id)
    return vs_file


async def create_file(request: Request) -> JSONResponse:
    store = store_of(request)
    vector_store_id = _vector_store_id(request)
    body = await read_body(request, schemas.VECTOR_STORE_FILE_CREATE)
    await indexing.parse_ahead(store, [body["file_id"]])
    vs_file = indexing.attach(
        store,
        vector_store_id,
        body["file_id"],
        chunking_strategy=body.get("chunking_strategy"),
        attributes=body.get("attributes"),
    )
    return ok(vs_file, POLL_HEADERS)


async def retrieve_file(request: Request) -> JSONResponse:
    store = store_of(request)
    vs_file = _get_file(store, _vector_store_id(request), request.path_params["file_id"])
    return ok(vs_file, POLL_HEADERS)


async def update_file(request: Request) -> JSONResponse:
    store = store_of(request)
    vector_store_id = _vector_store_id(request)
    vs_file = _get_file(store, vector_store_id, request.path_params["file_id"])
    body = await read_body(request, schemas.VECTOR_STORE_FILE_UPDATE)
    vs_file["attributes"] = indexing.stored_attributes(store, body["attributes"])
    store.put(VS_FILE, vs_file, vector_store_id)
    return ok(vs_file, POLL_HEADERS)


async def delete_file(request: Request) -> JSONResponse:
    store = store_of(request)
    vector_store_id = _vector_store_id(request)
    file_id = request.path_params["file_id"]
    if not store.delete(VS_FILE, file_id, vector_store_id):
        raise no_vector_store_file(vector_store_id, file_id)
    return JSONResponse({"id": file_id, "object": "vector_store.file.deleted", "deleted": True})


async def file_content(request: Request) -> JSONResponse:
    """The text indexed from the file (a document's extracted text), in one page; none before it is indexed."""
    store = store_of(request)
    vs_file = _get_file(store, _vector_store_id(request), request.path_params["file_id"])
    file = store.get(FILE, vs_file["id"])
    data = []
    if vs_file["status"] == "completed" and file is not None:
        text = indexing.text_path(store, file).read_bytes().decode("utf-8", "replace")
        data.append({"type": "text", "text": text})
    return JSONResponse(
        {"object": "vector_store.file_content.page", "data": data, "has_more": False, "next_page": None}
    )


async def list_files(request: Request) -> JSONResponse:
    return _list(request, {})


def _list(request: Request, where: dict[str, str]) -> JSONResponse:
    store = store_of(request)
    vector_store_id = _vector_store_id(request)
    params = list_params(request)
    status = enum_query(request, "filter", STATUSES)
    if status:
        where = {**where, "status": status}
    page = page_of(request, VS_FILE, params, parent=vector_store_id, where=where, lossy=store.profile.lossy_cursor)
    return page_response(page, POLL_HEADERS)


async def create_batch(request: Request) -> JSONResponse:
    store = store_of(request)
    vector_store_id = _vector_store_id(request)
    body = await read_body(request, schemas.FILE_BATCH_CREATE)
    mode = store.profile.files_batch
    if mode == "refuse" and "files" in body:  # llama-stack 0.7.3 knows only `file_ids`
        raise ApiError(400, "body.file_ids: Field required")
    entries = _batch_entries(body)
    for entry in entries:
        if store.get(FILE, entry["file_id"]) is None:
            raise no_file(entry["file_id"])
    batch: JSON = {
        "id": new_id("vsfb_"),
        "object": store.profile.batch_object,
        "created_at": int(time.time()),
        "vector_store_id": vector_store_id,
        "status": "in_progress",
        "file_counts": indexing.counts(),
    }
    store.insert(BATCH, batch, vector_store_id)
    if (mode == "ignore" and "files" in body) or mode == "drop":
        return ok(_unattached(batch, len(entries) if mode == "drop" else 0), POLL_HEADERS)
    await indexing.parse_ahead(store, [entry["file_id"] for entry in entries])
    for entry in entries:
        indexing.attach(
            store,
            vector_store_id,
            entry["file_id"],
            chunking_strategy=entry.get("chunking_strategy"),
            attributes=entry.get("attributes"),
            batch_id=batch["id"],
        )
    return ok(indexing.refresh_batch(store, batch, settling=False), POLL_HEADERS)


def _unattached(batch: JSON, claimed: int) -> JSON:
    """A batch that attaches nothing: in progress counting no file, then completed (ogx 1.5.0), or
    claiming `claimed` files in progress."""
    if claimed:
        return {**batch, "file_counts": {**indexing.counts(), "in_progress": claimed, "total": claimed}}
    return batch


def _batch_entries(body: JSON) -> list[JSON]:
    """One `{file_id, chunking_strategy, attributes}` per file, from `file_ids` or `files`."""
    if ("file_ids" in body) == ("files" in body):
        raise ApiError(
            400,
            "Exactly one of 'file_ids' or 'files' must be provided; they are mutually exclusive.",
            param="file_ids",
            code="invalid_value",
        )
    if "files" in body:
        return list(body["files"])
    shared = {"chunking_strategy": body.get("chunking_strategy"), "attributes": body.get("attributes")}
    return [{"file_id": file_id, **shared} for file_id in body["file_ids"]]


def _get_batch(request: Request) -> JSON:
    store = store_of(request)
    vector_store_id = _vector_store_id(request)
    batch_id = request.path_params["batch_id"]
    batch = store.get(BATCH, batch_id, vector_store_id)
    if batch is None:
        raise no_batch(batch_id)
    return batch


async def retrieve_batch(request: Request) -> JSONResponse:
    return ok(indexing.refresh_batch(store_of(request), _get_batch(request)), POLL_HEADERS)


async def cancel_batch(request: Request) -> JSONResponse:
    store = store_of(request)
    batch = _get_batch(request)
    indexing.cancel_batch(store, batch)
    return ok(indexing.refresh_batch(store, batch), POLL_HEADERS)


async def list_batch_files(request: Request) -> JSONResponse:
    batch = _get_batch(request)
    return _list(request, {"_batch_id": batch["id"]})


_VS = "/v1/vector_stores/{vector_store_id}"
routes = [
    Route(f"{_VS}/files", create_file, methods=["POST"]),
    Route(f"{_VS}/files", list_files, methods=["GET"]),
    Route(f"{_VS}/files/{{file_id}}", retrieve_file, methods=["GET"]),
    Route(f"{_VS}/files/{{file_id}}", update_file, methods=["POST"]),
    Route(f"{_VS}/files/{{file_id}}", delete_file, methods=["DELETE"]),
    Route(f"{_VS}/files/{{file_id}}/content", file_content, methods=["GET"]),
    Route(f"{_VS}/file_batches", create_batch, methods=["POST"]),
    Route(f"{_VS}/file_batches/{{batch_id}}", retrieve_batch, methods=["GET"]),
    Route(f"{_VS}/file_batches/{{batch_id}}/cancel", cancel_batch, methods=["POST"]),
    Route(f"{_VS}/file_batches/{{batch_id}}/files", list_batch_files, methods=["GET"]),
]

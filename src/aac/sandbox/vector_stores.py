"""`/v1/vector_stores`: create, list, retrieve, modify (POST), delete."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from aac.sandbox import indexing, schemas
from aac.sandbox.apierror import no_file, no_vector_store
from aac.sandbox.common import delete_route, envelope, list_params, ok, page_of, public, read_body, store_of
from aac.sandbox.indexing import FILE, VECTOR_STORE, VS_FILE
from aac.sandbox.store import JSON, Store, new_id


def create_vector_store(store: Store, body: JSON) -> JSON:
    """Create a vector store and start indexing `file_ids` (also the assistants' `vector_stores` helper)."""
    file_ids = list(body.get("file_ids") or [])
    for file_id in file_ids:
        if store.get(FILE, file_id) is None:
            raise no_file(file_id)
    now = int(time.time())
    vector_store: JSON = {
        "id": new_id("vs_"),
        "object": "vector_store",
        "created_at": now,
        "name": body.get("name") or "",
        "usage_bytes": 0,
        "file_counts": indexing.counts(),
        "status": "completed",
        "expires_after": body.get("expires_after"),
        "expires_at": None,
        "last_active_at": now,
        "metadata": body.get("metadata") or {},
        # Write-only: accepted on create, never returned (API_FACTS 3.2).
        "_description": body.get("description"),
    }
    vector_store["metadata"] = {**vector_store["metadata"], **_server_metadata(store, vector_store["id"])}
    store.insert(VECTOR_STORE, vector_store)
    for file_id in file_ids:
        indexing.attach(store, vector_store["id"], file_id, chunking_strategy=body.get("chunking_strategy"))
    created = store.get(VECTOR_STORE, vector_store["id"]) or vector_store
    return indexing.refresh(store, created, settling=False)


def _server_metadata(store: Store, vector_store_id: str) -> dict[str, str]:
    """What the profile's server writes into a new store's metadata (llama-stack: SERVER_METADATA_KEYS)."""
    extra = {key: "sandbox" for key in store.profile.extra_metadata}
    if not store.profile.server_metadata:
        return extra
    return {"provider_id": "faiss", "provider_vector_store_id": vector_store_id,
            "embedding_model": "sandbox/hash-embedding", "embedding_dimension": "256", **extra}


def get_vector_store(store: Store, vector_store_id: str) -> JSON:
    """The vector store, refreshed from its files; 404 when there is none."""
    vector_store = store.get(VECTOR_STORE, vector_store_id)
    if vector_store is None:
        raise no_vector_store(vector_store_id)
    return indexing.refresh(store, vector_store)


async def create(request: Request) -> JSONResponse:
    body = await read_body(request, schemas.VECTOR_STORE_CREATE)
    await indexing.parse_ahead(store_of(request), body.get("file_ids") or [])
    return ok(create_vector_store(store_of(request), body))


async def retrieve(request: Request) -> JSONResponse:
    return ok(get_vector_store(store_of(request), request.path_params["vector_store_id"]))


async def modify(request: Request) -> JSONResponse:
    store = store_of(request)
    vector_store = get_vector_store(store, request.path_params["vector_store_id"])
    body = await read_body(request, schemas.VECTOR_STORE_MODIFY)
    if "name" in body:
        vector_store["name"] = body["name"] or ""
    if "expires_after" in body and not (body["expires_after"] is None and store.profile.lenient):
        vector_store["expires_after"] = body["expires_after"]
    if "metadata" in body:
        vector_store["metadata"] = body["metadata"] or {}
    vector_store["last_active_at"] = int(time.time())
    store.put(VECTOR_STORE, vector_store)
    return ok(indexing.refresh(store, vector_store))


async def list_vector_stores(request: Request) -> JSONResponse:
    store = store_of(request)
    params = list_params(request)
    page = page_of(request, VECTOR_STORE, params)
    items = [public(indexing.refresh(store, vs)) for vs in page.items]
    return JSONResponse(envelope(items, page.has_more))


delete = delete_route(VECTOR_STORE, no_vector_store, children=VS_FILE)


routes = [
    Route("/v1/vector_stores", create, methods=["POST"]),
    Route("/v1/vector_stores", list_vector_stores, methods=["GET"]),
    Route("/v1/vector_stores/{vector_store_id}", retrieve, methods=["GET"]),
    Route("/v1/vector_stores/{vector_store_id}", modify, methods=["POST"]),
    Route("/v1/vector_stores/{vector_store_id}", delete, methods=["DELETE"]),
]

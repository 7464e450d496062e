"""`/v1/assistants`: create, list, retrieve, modify (POST), delete."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from aac.sandbox import indexing, schemas
from aac.sandbox.apierror import ApiError, no_assistant, no_file, no_vector_store
from aac.sandbox.common import delete_route, list_params, ok, page_of, page_response, read_body, store_of
from aac.sandbox.indexing import FILE, VECTOR_STORE
from aac.sandbox.store import JSON, Store, new_id
from aac.sandbox.vector_stores import create_vector_store

ASSISTANT = "assistant"
_EMPTY: dict[str, Any] = {"tools": [], "metadata": {}, "temperature": 1.0, "top_p": 1.0, "response_format": "auto"}
_FIELDS = ("name", "description", "instructions", "tools", "metadata", "temperature", "top_p", "response_format")


def _check_references(store: Store, resources: JSON) -> None:
    code = resources.get("code_interpreter") or {}
    for file_id in code.get("file_ids") or []:
        if store.get(FILE, file_id) is None:
            raise no_file(file_id)
    search = resources.get("file_search") or {}
    for vs_id in search.get("vector_store_ids") or []:
        if store.get(VECTOR_STORE, vs_id) is None:
            raise no_vector_store(vs_id)


def _tool_resources(store: Store, given: JSON | None) -> JSON:
    """Stored `tool_resources`: lists as given, the `vector_stores` helper turned into a store id."""
    given = given or {}
    search = dict(given.get("file_search") or {})
    if "vector_store_ids" in search and "vector_stores" in search:
        raise ApiError(
            400,
            "Invalid 'tool_resources.file_search': only one of 'vector_store_ids' or 'vector_stores' "
            "may be provided.",
            param="tool_resources.file_search",
            code="invalid_value",
        )
    _check_references(store, given)
    result: JSON = {}
    if "code_interpreter" in given:
        result["code_interpreter"] = {"file_ids": list((given["code_interpreter"] or {}).get("file_ids") or [])}
    if "file_search" in given:
        helpers = search.pop("vector_stores", None) or []
        ids = list(search.get("vector_store_ids") or [])
        for helper in helpers:
            ids.append(create_vector_store(store, helper)["id"])
        result["file_search"] = {"vector_store_ids": ids}
    return result


def _helper_file_ids(body: JSON) -> list[str]:
    """The files of the vector stores `tool_resources.file_search.vector_stores` asks to create."""
    search = (body.get("tool_resources") or {}).get("file_search") or {}
    return [file_id for helper in search.get("vector_stores") or [] for file_id in helper.get("file_ids") or []]


def _given(body: JSON, key: str) -> Any:
    """A field as stored: null and absent both mean the default (API_FACTS 1.2)."""
    value = body.get(key)
    return _EMPTY.get(key) if value is None else value


async def create(request: Request) -> JSONResponse:
    store = store_of(request)
    body = await read_body(request, schemas.ASSISTANT_CREATE)
    await indexing.parse_ahead(store, _helper_file_ids(body))
    assistant: JSON = {
        "id": new_id("asst_"),
        "object": "assistant",
        "created_at": int(time.time()),
        "model": body["model"],
        **{key: _given(body, key) for key in _FIELDS},
        "tool_resources": _tool_resources(store, body.get("tool_resources")),
        "_reasoning_effort": body.get("reasoning_effort"),
    }
    store.insert(ASSISTANT, assistant)
    return ok(assistant)


def _get(store: Store, assistant_id: str) -> JSON:
    assistant = store.get(ASSISTANT, assistant_id)
    if assistant is None:
        raise no_assistant(assistant_id)
    return assistant


async def retrieve(request: Request) -> JSONResponse:
    return ok(_get(store_of(request), request.path_params["assistant_id"]))


async def modify(request: Request) -> JSONResponse:
    store = store_of(request)
    assistant = _get(store, request.path_params["assistant_id"])
    body = await read_body(request, schemas.ASSISTANT_MODIFY)
    await indexing.parse_ahead(store, _helper_file_ids(body))
    for key in _FIELDS:
        if key in body:
            assistant[key] = _given(body, key)
    if "model" in body:
        assistant["model"] = body["model"]
    if "reasoning_effort" in body:
        assistant["_reasoning_effort"] = body["reasoning_effort"]
    if "tool_resources" in body:
        # The lists in `tool_resources` replace what was there (API_FACTS 1.2: "Overrides").
        merged = dict(assistant.get("tool_resources") or {})
        merged.update(_tool_resources(store, body["tool_resources"]))
        assistant["tool_resources"] = merged
    store.put(ASSISTANT, assistant)
    return ok(assistant)


async def list_assistants(request: Request) -> JSONResponse:
    return page_response(page_of(request, ASSISTANT, list_params(request)))


delete = delete_route(ASSISTANT, no_assistant)


routes = [
    Route("/v1/assistants", create, methods=["POST"]),
    Route("/v1/assistants", list_assistants, methods=["GET"]),
    Route("/v1/assistants/{assistant_id}", retrieve, methods=["GET"]),
    Route("/v1/assistants/{assistant_id}", modify, methods=["POST"]),
    Route("/v1/assistants/{assistant_id}", delete, methods=["DELETE"]),
]

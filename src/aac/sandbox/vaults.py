"""`/v1/vaults` (Agents API beta): create, list, retrieve, update (POST), delete.

A vault holds credentials (credentials.py); deleting it deletes them.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from aac import limits
from aac.sandbox import agent_schemas
from aac.sandbox.apierror import invalid, no_vault
from aac.sandbox.common import (
    ListParams,
    delete_route,
    list_params,
    ok,
    page_of,
    page_response,
    read_body,
    store_of,
)
from aac.sandbox.store import JSON, Page, Store, new_id

VAULT = "vault"
CREDENTIAL = "credential"
_STATUSES = ("active", "archived")


def _metadata_filter(request: Request) -> dict[str, Any]:
    """`metadata[KEY]=VALUE` pairs from the query, as a store filter (all must match)."""
    where: dict[str, Any] = {}
    for name, value in request.query_params.multi_items():
        if not (name.startswith("metadata[") and name.endswith("]")):
            continue
        key = name[len("metadata[") : -1]
        if not 1 <= len(key) <= limits.METADATA_KEY_MAX or '"' in key or len(value) > limits.METADATA_VALUE_MAX:
            raise invalid(name, f"Invalid '{name}': keys are 1 to 64 characters without '\"', values up to 512.")
        where[f'metadata."{key}"'] = value
    if len(where) > limits.METADATA_PAIRS_MAX:
        raise invalid("metadata", "Invalid 'metadata': at most 16 pairs may be given.")
    return where


def _admits_active(request: Request) -> bool:
    """Whether `status` (one value, or `status[]` repeated) includes `active`, as every object here is."""
    values = request.query_params.getlist("status") + request.query_params.getlist("status[]")
    for value in values:
        if value not in _STATUSES:
            raise invalid("status", f"Invalid value: '{value}'. Supported values are: 'active' and 'archived'.")
    return not values or "active" in values


def filtered_page(request: Request, kind: str, parent: str | None = None) -> Page:
    """A page of vaults or credentials, filtered by `metadata[...]` and `status` like the real lists."""
    params: ListParams = list_params(request, before=False)
    where = _metadata_filter(request)
    if not _admits_active(request):
        return Page([], False)  # nothing here is ever archived
    return page_of(request, kind, params, parent=parent, where=where)


def trimmed(name: str | None) -> str | None:
    return None if name is None else name.strip()


def get_vault(store: Store, vault_id: str) -> JSON:
    vault = store.get(VAULT, vault_id)
    if vault is None:
        raise no_vault(vault_id)
    return vault


async def create(request: Request) -> JSONResponse:
    body = await read_body(request, agent_schemas.VAULT_CREATE)
    vault: JSON = {
        "id": new_id("vault_"),
        "object": "vault",
        "created_at": int(time.time()),
        "name": trimmed(body.get("name")),
        "metadata": body.get("metadata") or {},
    }
    store_of(request).insert(VAULT, vault)
    return ok(vault)


async def retrieve(request: Request) -> JSONResponse:
    return ok(get_vault(store_of(request), request.path_params["vault_id"]))


async def update(request: Request) -> JSONResponse:
    store = store_of(request)
    vault = get_vault(store, request.path_params["vault_id"])
    body = await read_body(request, agent_schemas.VAULT_UPDATE)
    if "name" in body:
        vault["name"] = trimmed(body["name"])
    if "metadata" in body:
        vault["metadata"] = body["metadata"]
    store.put(VAULT, vault)
    return ok(vault)


async def list_vaults(request: Request) -> JSONResponse:
    return page_response(filtered_page(request, VAULT))


delete = delete_route(VAULT, no_vault, children=CREDENTIAL)


routes = [
    Route("/v1/vaults", create, methods=["POST"]),
    Route("/v1/vaults", list_vaults, methods=["GET"]),
    Route("/v1/vaults/{vault_id}", retrieve, methods=["GET"]),
    Route("/v1/vaults/{vault_id}", update, methods=["POST"]),
    Route("/v1/vaults/{vault_id}", delete, methods=["DELETE"]),
]

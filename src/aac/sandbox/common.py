"""What every route shares: reading bodies and list parameters, the list envelope, public views."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from aac import jsonsafe
from aac.sandbox.apierror import ApiError, invalid
from aac.sandbox.cascade import expire_files
from aac.sandbox.store import JSON, Page, Store
from aac.sandbox.validation import Schema, check

Endpoint = Callable[[Request], Awaitable[JSONResponse]]
POLL_HEADERS = {"openai-poll-after-ms": "10"}


def store_of(request: Request) -> Store:
    """The sandbox's state, with files past their `expires_at` already gone (looked for once a request:
    a handler, its body reader and its path checks each ask for the store)."""
    store: Store = request.app.state.store
    if not getattr(request.state, "expired", False):
        expire_files(store)
        request.state.expired = True
    return store


JSON_BODY_MAX = 32 * 2**20  # far above any real request (instructions are 256,000 characters at most)
MAX_DEPTH = 64  # no request body of the API nests deeper; a 100,000-deep one must not reach the recursion limit
_UNPARSEABLE = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
    "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not "
    "valid JSON.)"
)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN and the infinities: Python's json accepts them, JSON does not


async def read_body(request: Request, schema: Schema) -> JSON:
    """The JSON object in the request body, checked completely (then against `schema`) before anything is stored."""
    raw = await _bounded_body(request)
    try:
        body = json.loads(raw, parse_constant=_no_constant) if raw.strip() else {}
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser goes
        raise ApiError(400, _UNPARSEABLE) from None
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid type for request body: expected an object.", code="invalid_type")
    check_storable(body)
    if store_of(request).profile.lenient:
        body, schema = _leniently(body, schema)
    check(body, schema)
    return body


def _leniently(body: JSON, schema: Schema) -> tuple[JSON, Schema]:
    """As llama-stack-family servers take a body: unknown parameters ignored, metadata of any size."""
    properties = schema.get("properties", {})
    if "metadata" in properties:
        metadata = {k: v for k, v in properties["metadata"].items() if k != "maxProperties"}
        schema = {**schema, "properties": {**properties, "metadata": metadata}}
    return {k: v for k, v in body.items() if k in properties}, schema


async def _bounded_body(request: Request) -> bytes:
    """The body, up to JSON_BODY_MAX bytes; past that, the rest is read and dropped, then 413.

    Read to the end anyway: answering mid-body resets a client still sending, and SDKs retry a reset."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= JSON_BODY_MAX:
            chunks.append(chunk)
    if size > JSON_BODY_MAX:
        raise ApiError(413, f"Request body too large: {size:,} bytes; the maximum for a JSON body is "
                            f"{JSON_BODY_MAX:,} bytes.", code="request_too_large")
    return b"".join(chunks)


def check_storable(body: Any) -> None:
    """Nothing JSON cannot carry (a lone surrogate, 1e999 read as infinity) and no nesting past MAX_DEPTH:
    a value that cannot be written back as UTF-8 JSON, once stored, would fail every later list."""
    for path, problem in jsonsafe.problems(body, max_depth=MAX_DEPTH):
        if len(path) > MAX_DEPTH:
            raise ApiError(400, f"The request body nests deeper than {MAX_DEPTH} levels.", code="invalid_type")
        raise ApiError(400, f"{_UNPARSEABLE} At {jsonsafe.render_path(path)}: {problem}.")


def touched(previous: int) -> int:
    """A new `updated_at`: now, and later than `previous` even within the same second."""
    return max(int(time.time()), previous + 1)


@dataclass(frozen=True)
class ListParams:
    limit: int
    order: str
    after: str | None
    before: str | None


def list_params(request: Request, *, default: int = 20, maximum: int = 100, before: bool = True) -> ListParams:
    """`limit`, `order`, `after` and `before` from the query, checked like the real API."""
    query = request.query_params
    raw = query.get("limit")
    limit = default
    if raw is not None:
        try:
            limit = int(raw)
        except ValueError:
            raise invalid("limit", f"Invalid 'limit': expected an integer, but got '{raw}' instead.",
                          "invalid_type") from None
        check(limit, {"type": "integer", "minimum": 1, "maximum": maximum}, "limit")
    order = query.get("order", "desc")
    if order not in ("asc", "desc"):
        raise invalid("order", f"Invalid value: '{order}'. Supported values are: 'asc' and 'desc'.")
    if not before and "before" in query:
        raise invalid("before", "Unknown parameter: 'before'.", "unknown_parameter")
    return ListParams(limit, order, query.get("after") or None, query.get("before") or None)


def page_of(request: Request, kind: str, params: ListParams, *, parent: str | None = None,
            where: dict[str, Any] | None = None, lossy: bool = False) -> Page:
    """The page of a list that `params` ask for."""
    return store_of(request).page(kind, parent=parent, where=where, limit=params.limit, order=params.order,
                                  after=params.after, before=params.before, lossy=lossy)


def delete_route(
    kind: str, missing: Callable[[str], ApiError], children: str | None = None, obj: str | None = None
) -> Endpoint:
    """The DELETE handler of a top-level object (path parameter `<kind>_id`): `<obj>.deleted` (`obj` is `kind`
    unless the API names its objects otherwise), its `children` deleted with it; a 404 from `missing` when there
    is none."""

    async def delete(request: Request) -> JSONResponse:
        obj_id = request.path_params[f"{kind}_id"]
        if not store_of(request).delete(kind, obj_id, children=children):
            raise missing(obj_id)
        return deleted(obj_id, f"{obj or kind}.deleted")

    return delete


# Optional in the spec's response schemas but not nullable there: absent rather than null.
_OMIT_WHEN_NULL = frozenset({"expires_after", "status_details"})


def public(obj: JSON) -> JSON:
    """The object as clients see it: internal `_` fields dropped."""
    return {
        k: v for k, v in obj.items() if not k.startswith("_") and not (v is None and k in _OMIT_WHEN_NULL)
    }


def envelope(items: list[JSON], has_more: bool) -> JSON:
    return {
        "object": "list",
        "data": items,
        "first_id": items[0]["id"] if items else None,
        "last_id": items[-1]["id"] if items else None,
        "has_more": has_more,
    }


def page_response(page: Page, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(envelope([public(o) for o in page.items], page.has_more), headers=headers)


def ok(obj: JSON, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(public(obj), headers=headers)


def deleted(obj_id: str, kind: str) -> JSONResponse:
    return JSONResponse({"id": obj_id, "object": kind, "deleted": True})


def enum_query(request: Request, name: str, allowed: tuple[str, ...]) -> str | None:
    value = request.query_params.get(name)
    if value is not None and value not in allowed:
        options = ", ".join(f"'{v}'" for v in allowed)
        raise invalid(name, f"Invalid value: '{value}'. Supported values are: {options}.")
    return value


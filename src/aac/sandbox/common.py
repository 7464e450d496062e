"""What every route shares: reading bodies and list parameters, the list envelope, public views."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse

from aac.sandbox.apierror import ApiError, invalid
from aac.sandbox.cascade import expire_files
from aac.sandbox.store import JSON, Page, Store
from aac.sandbox.validation import Schema, check

POLL_HEADERS = {"openai-poll-after-ms": "10"}


def store_of(request: Request) -> Store:
    """The sandbox's state, with files past their `expires_at` already gone."""
    store: Store = request.app.state.store
    expire_files(store)
    return store


async def read_body(request: Request, schema: Schema) -> JSON:
    """The JSON object in the request body, checked against `schema`."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except ValueError:
        raise ApiError(
            400,
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
            "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not "
            "valid JSON.)",
        ) from None
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid type for request body: expected an object.", code="invalid_type")
    if _has_lone_surrogate(body):
        # json.loads accepts "\ud800", but such a string cannot be stored or sent back as UTF-8.
        raise ApiError(400, "Invalid body: a string contains a lone UTF-16 surrogate, which is not valid Unicode.")
    check(body, schema)
    return body


def _has_lone_surrogate(value: object) -> bool:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


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


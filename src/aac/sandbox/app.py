"""The sandbox ASGI app: routes per resource behind a gate that plays the real API's front door.

The gate (outermost, so it sees the server's own `send`) counts requests, adds latency,
injects faults, checks the bearer key and the Assistants and Agents beta headers, and answers
`--no-assistants` with the 404 OpenAI gives since the sunset, `--no-agents` with the 404 of a
target without the Agents beta.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount

from aac.sandbox import (
    agents,
    assistants,
    credentials,
    environment_templates,
    files,
    foundry,
    models,
    search,
    vaults,
    vector_store_files,
    vector_stores,
)
from aac.sandbox.apierror import ApiError, AzureError
from aac.sandbox.faults import FaultInjector, drop_connection, fault_error
from aac.sandbox.profiles import OPENAI, Profile
from aac.sandbox.store import Store, Unstorable, new_id

Scope = dict[str, Any]
POLL_HEADER = b"openai-poll-after-ms"

_NO_KEY = (
    "You didn't provide an API key. You need to provide your API key in an Authorization header using "
    "Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if "
    "you're accessing the API from your browser and are prompted for a username and password. You can "
    "obtain an API key from https://platform.openai.com/account/api-keys."
)
_NO_BETA = (
    "You must provide the 'OpenAI-Beta' header to access the Assistants API. Please try again by setting "
    "the header 'OpenAI-Beta: assistants=v2'."
)
_NO_AGENTS_BETA = (
    "You must provide the 'OpenAI-Beta' header to access the Agents API. Please try again by setting "
    "the header 'OpenAI-Beta: agents=v1'."
)
_AGENTS_PATHS = ("/v1/agents", "/v1/vaults")
_V1_BETA = (
    "The v1 Assistants API has been deprecated. Please try again by setting the header "
    "'OpenAI-Beta: assistants=v2'. See the migration guide for more information: "
    "https://platform.openai.com/docs/assistants/migration."
)


# Azure's answer without credentials, as Azure AI services word it.
_AZURE_NO_KEY = (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an "
    "active subscription and use a correct regional API endpoint for your resource."
)
_PROJECT_PATH = re.compile(r"/api/projects/[^/]+(/.*)?", re.DOTALL)
_OPENAI_PATH = re.compile(r"/api/projects/[^/]+/openai(/.*)?", re.DOTALL)


def _invalid_url(method: str, path: str) -> ApiError:
    return ApiError(404, f"Invalid URL ({method} {path})")


def _azure_not_found() -> AzureError:
    return AzureError(404, "Resource not found", code="404")


def _wire_path(path: str, profile: Profile) -> str | None:
    """The path as OpenAI's API names it (`/v1/files`): on a Foundry project, what follows
    `/api/projects/{project}/openai`, or the path after the project; None for a path outside any project."""
    if not profile.foundry:
        return path
    inside = _OPENAI_PATH.fullmatch(path) or _PROJECT_PATH.fullmatch(path)
    return (inside.group(1) or "/") if inside else None


def _has_credentials(headers: dict[str, str], profile: Profile) -> bool:
    """A non-empty bearer token; on Foundry, or a non-empty `api-key` (a key, where the resource allows one)."""
    auth = headers.get("authorization", "")
    if auth.startswith("Bearer ") and auth[len("Bearer "):].strip():
        return True
    return profile.foundry and bool(headers.get("api-key", "").strip())


def _profile(request: Request) -> Profile:
    profile: Profile = request.app.state.store.profile
    return profile


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response(_profile(request))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code in (404, 405) and _profile(request).foundry:
        return _azure_not_found().response()
    if exc.status_code in (404, 405):
        return _invalid_url(request.method, request.url.path).response(_profile(request))
    return ApiError(exc.status_code, str(exc.detail)).response(_profile(request))


async def _unstorable(request: Request, exc: Exception) -> Response:
    return ApiError(400, f"The request holds a value that cannot be stored: {exc}").response(_profile(request))


async def _server_error(request: Request, exc: Exception) -> Response:
    error = ApiError(500, f"The sandbox failed: {exc.__class__.__name__}: {exc}", type="server_error")
    return JSONResponse(error.body(_profile(request)), status_code=500)


class Gate:
    """The front door around the routes."""

    def __init__(
        self, inner: Any, *, latency_ms: int, faults: FaultInjector, no_assistants: bool, no_agents: bool = False,
        profile: Profile = OPENAI,
    ) -> None:
        self.inner = inner
        self.profile = profile
        self.latency_ms = latency_ms
        self.faults = faults
        self.no_assistants = no_assistants or not profile.assistants
        self.no_agents = no_agents or not profile.agents
        self.requests = 0
        self.writes = 0  # requests that may change state: every POST and DELETE but a search

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        self.requests += 1
        if scope["method"] in ("POST", "DELETE") and not str(scope["path"]).endswith("/search"):
            self.writes += 1
        if self.latency_ms:
            await asyncio.sleep(self.latency_ms / 1000)
        error = await self._refuse(scope, send)
        body = _Body(receive)
        receive, send = body, _after_body(_as_profile(_with_request_id(send), send, self.profile), body)
        if error is None:
            await self.inner(scope, receive, send)
        elif isinstance(error, ApiError):
            await error.response(self.profile)(scope, receive, send)

    async def _refuse(self, scope: Scope, send: Any) -> ApiError | object | None:
        method, path = scope["method"], scope["path"]
        fault = self.faults.pick(method, path)
        if fault == "drop" and await drop_connection(send):
            return _DROPPED
        if fault is not None:
            return fault_error(fault)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if not _has_credentials(headers, self.profile):
            if self.profile.foundry:
                return AzureError(401, _AZURE_NO_KEY, code="401")
            return ApiError(401, _NO_KEY, code="invalid_api_key")
        wire_path = _wire_path(path, self.profile)
        if wire_path is None:
            return _azure_not_found()
        return self._refuse_path(method, path, wire_path, headers)

    def _refuse_path(self, method: str, path: str, wire_path: str, headers: dict[str, str]) -> ApiError | None:
        """What the Assistants and Agents betas refuse, wherever the profile serves their paths."""
        if wire_path.startswith("/v1/assistants"):
            if self.no_assistants:
                return self._not_found(method, path)
            beta = headers.get("openai-beta", "")
            if "assistants=v1" in beta:
                return ApiError(400, _V1_BETA, code="invalid_beta")
            if "assistants=v2" not in beta:
                return ApiError(400, _NO_BETA, code="invalid_beta")
        if wire_path.startswith(_AGENTS_PATHS):
            if self.no_agents:
                return self._not_found(method, path)
            if "agents=v1" not in headers.get("openai-beta", ""):
                return ApiError(400, _NO_AGENTS_BETA, code="invalid_beta")
        return None

    def _not_found(self, method: str, path: str) -> ApiError:
        return _azure_not_found() if self.profile.foundry else _invalid_url(method, path)


_DROPPED = object()


class _Body:
    """The request's `receive`, knowing when the body has all arrived."""

    def __init__(self, receive: Any) -> None:
        self._receive = receive
        self.done = False

    async def __call__(self) -> dict[str, Any]:
        message: dict[str, Any] = await self._receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            self.done = True
        return message

    async def drain(self) -> None:
        while not self.done:
            await self()


def _after_body(send: Any, body: _Body) -> Any:
    """Answer only once the body is read (and dropped, if no one read it).

    An error found before the body (no key, no beta header, an unknown vector store) answered
    mid-upload resets a client still sending, which an SDK sees as a connection error and retries.
    """

    async def sending(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            await body.drain()
        await send(message)

    return sending


def _with_request_id(send: Any) -> Any:
    """Add `x-request-id`, which the SDK puts on its errors as `request_id`."""
    request_id = new_id("req_", 32).encode()

    async def sending(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id)]
        await send(message)

    return sending


def _as_profile(send: Any, server_send: Any, profile: Profile) -> Any:
    """Answer as the profile's server does: no poll hint, and the connection closed after an error."""
    if profile.poll_hint and not profile.close_after_error:
        return send
    status = 0

    async def sending(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            if not profile.poll_hint:
                message["headers"] = [(k, v) for k, v in message.get("headers", []) if k != POLL_HEADER]
        await send(message)
        finished = message["type"] == "http.response.body" and not message.get("more_body")
        if finished and status >= 400 and profile.close_after_error:
            await drop_connection(server_send)  # no `Connection: close`: the client's next request is reset

    return sending


def create_app(
    store: Store,
    *,
    latency_ms: int = 0,
    fault_rate: float = 0.0,
    seed: int | None = None,
    no_assistants: bool = False,
    no_agents: bool = False,
) -> Gate:
    """The sandbox as an ASGI app over `store`."""
    openai_routes = [
        *assistants.routes,
        *files.routes,
        *vector_stores.routes,
        *vector_store_files.routes,
        *search.routes,
        *models.routes,
        *agents.routes,
        *vaults.routes,
        *credentials.routes,
        *environment_templates.routes,
    ]
    routes: list[BaseRoute] = list(openai_routes)
    if store.profile.foundry:
        # The same routes, mounted where `AIProjectClient.get_openai_client()` points (`{endpoint}/openai/v1`).
        routes = [*foundry.routes, Mount(f"{foundry.PREFIX}/openai", routes=openai_routes)]
    app = Starlette(
        routes=routes,
        exception_handlers={ApiError: _api_error, HTTPException: _http_error, Unstorable: _unstorable,
                            Exception: _server_error},
    )
    app.state.store = store
    return Gate(
        app,
        latency_ms=latency_ms,
        faults=FaultInjector(fault_rate, seed),
        no_assistants=no_assistants,
        no_agents=no_agents,
        profile=store.profile,
    )

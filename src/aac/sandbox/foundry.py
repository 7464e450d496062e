"""Microsoft Foundry's agents data plane: `/api/projects/{project}/agents...?api-version=v1`.

As `azure-ai-projects` 2.10.0 calls it (`operations/_operations.py`, `AgentsOperations`): an agent is
a name with immutable versions, numbered by the server "1", "2", ...; `POST .../agents/{name}/versions`
creates the next one (the first creates the agent), `GET .../agents/{name}` answers the agent with its
latest version. Agents live per project name; the OpenAI-compatible files and vector stores under
`.../openai/v1` are the sandbox's own, shared by every project name.
"""

from __future__ import annotations

import functools
import time

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from aac.sandbox.apierror import ApiError, AzureError
from aac.sandbox.common import Endpoint, envelope, list_params, read_body, store_of
from aac.sandbox.foundry_schemas import AGENT_KINDS, AGENT_NAME, AGENT_NAME_MAX, PROMPT_DEFINITION, VERSION_CREATE
from aac.sandbox.indexing import FILE, VECTOR_STORE
from aac.sandbox.store import JSON, Store
from aac.sandbox.validation import check

AGENT = "foundry_agent"  # parent: the project; id: the agent's name
VERSION = "foundry_agent_version"  # parent: "project/name"; id: "name:version", as Foundry's version ids read
API_VERSION = "v1"
PREFIX = "/api/projects/{project}"


def azure_errors(endpoint: Endpoint) -> Endpoint:
    """The endpoint, its errors (the shared body checks' included) answered in Azure's shape."""

    @functools.wraps(endpoint)
    async def answering(request: Request) -> JSONResponse:
        _check_api_version(request)
        try:
            return await endpoint(request)
        except AzureError:
            raise
        except ApiError as error:
            raise AzureError.of(error) from None

    return answering


def _check_api_version(request: Request) -> None:
    # Worded as Azure Resource Manager words these two; every call of the SDK sends `api-version=v1`.
    given = request.query_params.get("api-version")
    if given is None:
        raise AzureError(400, "The api-version query parameter (?api-version=) is required for all requests.",
                         code="MissingApiVersionParameter")
    if given != API_VERSION:
        raise AzureError(400, f"The HTTP resource that matches the request URI '{request.url.path}' does not "
                              f"support the API version '{given}'. Supported: '{API_VERSION}'.",
                         code="UnsupportedApiVersion")


def no_agent(name: str) -> AzureError:
    return AzureError(404, f"Agent '{name}' not found", code="not_found")


def no_version(name: str, version: str) -> AzureError:
    return AzureError(404, f"Version '{version}' not found for agent '{name}'", code="not_found")


def _check_name(name: str) -> None:
    if len(name) > AGENT_NAME_MAX or not AGENT_NAME.fullmatch(name):
        raise AzureError(
            400,
            f"Invalid agent name '{name}': a name is at most {AGENT_NAME_MAX} characters, letters, digits and "
            "hyphens, starting and ending with a letter or digit.",
            param="agent_name", code="invalid_value",
        )


def _check_definition(store: Store, definition: JSON) -> None:
    kind = definition.get("kind")
    if kind not in AGENT_KINDS:
        allowed = ", ".join(f"'{k}'" for k in AGENT_KINDS)
        raise AzureError(400, f"Invalid value for 'definition.kind': '{kind}'. Supported values are: {allowed}.",
                         param="definition.kind", code="invalid_value")
    if kind != "prompt":
        raise AzureError(400, f"The sandbox serves prompt agents only, not '{kind}' agents.",
                         param="definition.kind", code="invalid_value")
    check(definition, PROMPT_DEFINITION, "definition")
    for index, tool in enumerate(definition.get("tools") or []):
        _check_references(store, tool, f"definition.tools[{index}]")


def _check_references(store: Store, tool: JSON, where: str) -> None:
    """Every vector store and file a tool names exists (they are created first, through `.../openai/v1`)."""
    if tool["type"] == "file_search":
        kind, noun, param, ids = VECTOR_STORE, "vector store", f"{where}.vector_store_ids", tool["vector_store_ids"]
    elif tool["type"] == "code_interpreter" and isinstance(tool.get("container"), dict):
        kind, noun, param, ids = FILE, "file", f"{where}.container.file_ids", tool["container"].get("file_ids")
    else:
        return
    for obj_id in ids or []:
        if store.get(kind, obj_id) is None:
            raise AzureError(400, f"Invalid '{param}': no {noun} found with id '{obj_id}'.", param=param,
                             code="invalid_value")


def _versions_of(project: str, name: str) -> str:
    return f"{project}/{name}"


def _latest(store: Store, project: str, name: str) -> JSON | None:
    versions = store.all(VERSION, parent=_versions_of(project, name))
    return versions[-1] if versions else None


def _agent_view(store: Store, agent: JSON, project: str) -> JSON:
    latest = _latest(store, project, agent["name"])
    return {
        "object": "agent",
        "id": agent["id"],
        "name": agent["name"],
        "state": "enabled",
        "configuration_state": "enabled",
        "versions": {"latest": latest},
    }


def _new_version(agent: JSON, body: JSON, number: int) -> JSON:
    version: JSON = {
        "object": "agent.version",
        "id": f"{agent['name']}:{number}",
        "name": agent["name"],
        "version": str(number),
        "metadata": body.get("metadata") or {},
        "created_at": int(time.time()),
        "definition": body["definition"],
        "draft": False,
        "status": "active",
    }
    if body.get("description") is not None:
        version["description"] = body["description"]
    return version


async def create_version(request: Request) -> JSONResponse:
    project, name = request.path_params["project"], request.path_params["agent_name"]
    store = store_of(request)
    body = await read_body(request, VERSION_CREATE)
    _check_name(name)
    if body.get("draft"):
        raise AzureError(400, "The sandbox does not keep draft versions.", param="draft", code="invalid_value")
    _check_definition(store, body["definition"])
    # Nothing awaits from here on: two creates of one new name cannot both make version 1.
    agent = store.get(AGENT, name, parent=project)
    if agent is None:
        agent = {"id": name, "name": name, "created_at": int(time.time()), "_versions_made": 0}
        store.insert(AGENT, agent, parent=project)
    # Numbers are never reused, even once the latest version is deleted: a version number names one definition.
    agent["_versions_made"] += 1
    store.put(AGENT, agent, parent=project)
    version = _new_version(agent, body, agent["_versions_made"])
    store.insert(VERSION, version, parent=_versions_of(project, name))
    return JSONResponse(version)


def _agent(store: Store, project: str, name: str) -> JSON:
    agent = store.get(AGENT, name, parent=project)
    if agent is None:
        raise no_agent(name)
    return agent


async def get_agent(request: Request) -> JSONResponse:
    project, name = request.path_params["project"], request.path_params["agent_name"]
    store = store_of(request)
    return JSONResponse(_agent_view(store, _agent(store, project, name), project))


async def list_agents(request: Request) -> JSONResponse:
    project = request.path_params["project"]
    store = store_of(request)
    params = list_params(request)
    if not _lists_prompt_agents(request.query_params.get("kind")):
        return JSONResponse(envelope([], False))
    page = store.page(AGENT, parent=project, limit=params.limit, order=params.order, after=params.after,
                      before=params.before)
    return JSONResponse(envelope([_agent_view(store, agent, project) for agent in page.items], page.has_more))


def _lists_prompt_agents(kind: str | None) -> bool:
    """Whether a list filtered by `kind` holds this sandbox's agents, which are all prompt agents."""
    if kind is not None and kind not in AGENT_KINDS:
        allowed = ", ".join(f"'{k}'" for k in AGENT_KINDS)
        raise AzureError(400, f"Invalid value: '{kind}'. Supported values are: {allowed}.", param="kind",
                         code="invalid_value")
    return kind in (None, "prompt")


async def delete_agent(request: Request) -> JSONResponse:
    project, name = request.path_params["project"], request.path_params["agent_name"]
    store = store_of(request)
    _agent(store, project, name)
    for version in store.all(VERSION, parent=_versions_of(project, name)):
        store.delete(VERSION, version["id"], parent=_versions_of(project, name))
    store.delete(AGENT, name, parent=project)
    return JSONResponse({"object": "agent.deleted", "name": name, "deleted": True})


def _version(store: Store, project: str, name: str, number: str) -> JSON:
    _agent(store, project, name)
    version = store.get(VERSION, f"{name}:{number}", parent=_versions_of(project, name))
    if version is None:
        raise no_version(name, number)
    return version


async def get_version(request: Request) -> JSONResponse:
    project, name = request.path_params["project"], request.path_params["agent_name"]
    return JSONResponse(_version(store_of(request), project, name, request.path_params["agent_version"]))


async def list_versions(request: Request) -> JSONResponse:
    project, name = request.path_params["project"], request.path_params["agent_name"]
    store = store_of(request)
    _agent(store, project, name)
    params = list_params(request)
    page = store.page(VERSION, parent=_versions_of(project, name), limit=params.limit, order=params.order,
                      after=params.after, before=params.before)
    return JSONResponse(envelope(page.items, page.has_more))


async def delete_version(request: Request) -> JSONResponse:
    project, name = request.path_params["project"], request.path_params["agent_name"]
    number = request.path_params["agent_version"]
    store = store_of(request)
    _version(store, project, name, number)
    store.delete(VERSION, f"{name}:{number}", parent=_versions_of(project, name))
    # An agent always has a latest version (`AgentDetails.versions.latest` is required): without any, it is gone.
    if _latest(store, project, name) is None:
        store.delete(AGENT, name, parent=project)
    return JSONResponse({"object": "agent.version.deleted", "name": name, "version": number, "deleted": True})


routes = [
    Route(f"{PREFIX}/agents", azure_errors(list_agents), methods=["GET"]),
    Route(f"{PREFIX}/agents/{{agent_name}}", azure_errors(get_agent), methods=["GET"]),
    Route(f"{PREFIX}/agents/{{agent_name}}", azure_errors(delete_agent), methods=["DELETE"]),
    Route(f"{PREFIX}/agents/{{agent_name}}/versions", azure_errors(create_version), methods=["POST"]),
    Route(f"{PREFIX}/agents/{{agent_name}}/versions", azure_errors(list_versions), methods=["GET"]),
    Route(f"{PREFIX}/agents/{{agent_name}}/versions/{{agent_version}}", azure_errors(get_version), methods=["GET"]),
    Route(f"{PREFIX}/agents/{{agent_name}}/versions/{{agent_version}}", azure_errors(delete_version),
          methods=["DELETE"]),
]

"""Foundry's prompt agents on the wire: an agent is a name with immutable, server-numbered versions.

Each call goes through `AIProjectClient.agents` (`azure-ai-projects`) and answers plain dicts (the SDK models'
`as_dict()`), so callers handle no Azure type; lists are walked to their last page. Every failure is one
AacError (`FoundryProject.translate`). No Azure import here: the project object carries what to catch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # the module loads without the Azure packages; only a connected foundry target calls it
    from aac.api.foundry import FoundryProject

Json = dict[str, Any]
T = TypeVar("T")


def _call(project: FoundryProject, what: str, call: Callable[[], T]) -> T:
    try:
        return call()
    except project.errors as exc:
        raise project.translate(exc, what) from exc


def _plain(items: Iterable[Any]) -> list[Json]:
    # The SDK's pager fetches the next page while it is iterated: reading it whole is "every page".
    return [item.as_dict() for item in items]


def list_agents(project: FoundryProject) -> list[Json]:
    """Every agent of the project (each with `versions.latest`), every page."""
    return _call(project, "listing agents", lambda: _plain(project.client.agents.list(order="asc")))


def get_agent(project: FoundryProject, name: str) -> Json:
    return _call(project, f"reading agent {name!r}", lambda: project.client.agents.get(name).as_dict())


def list_versions(project: FoundryProject, name: str) -> list[Json]:
    """Every version of agent `name`, oldest first, every page."""
    return _call(project, f"listing the versions of agent {name!r}",
                 lambda: _plain(project.client.agents.list_versions(name, order="asc")))


def get_version(project: FoundryProject, name: str, version: str) -> Json:
    return _call(project, f"reading version {version} of agent {name!r}",
                 lambda: project.client.agents.get_version(name, version).as_dict())


def create_version(project: FoundryProject, name: str, definition: Mapping[str, Any], *,
                   metadata: Mapping[str, str] | None = None, description: str | None = None) -> Json:
    """A new version of agent `name` (the first creates the agent); the server numbers it.

    The body is written as plain JSON, the definition exactly as given: the SDK's typed models would drop
    or reshape fields it does not know, and a definition aac compares later must read back as it was sent."""
    body: Json = {"definition": dict(definition)}
    if metadata is not None:
        body["metadata"] = dict(metadata)
    if description is not None:
        body["description"] = description
    return _call(project, f"creating a version of agent {name!r}",
                 lambda: project.client.agents.create_version(name, body).as_dict())


def delete_agent(project: FoundryProject, name: str) -> Json:
    """Deletes agent `name` and every version of it."""
    return _call(project, f"deleting agent {name!r}", lambda: project.client.agents.delete(name).as_dict())


def delete_version(project: FoundryProject, name: str, version: str) -> Json:
    return _call(project, f"deleting version {version} of agent {name!r}",
                 lambda: project.client.agents.delete_version(name, version).as_dict())

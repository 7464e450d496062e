"""An agent's calls to the Agents API (beta), through the writer's guarantees (aac.api.writer): a create is sent
once and, after a lost answer, found by this stack's `aac-key` tag before it is sent again; a delete is done when
the agent is gone. Lookups read whole lists, not `metadata[...]` filters, which the API calls eventually
consistent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aac.limits import LIST_LIMIT

if TYPE_CHECKING:
    from openai.types.beta import Agent

    from aac.api.reader import Reader
    from aac.api.writer import Writer

JSON = dict[str, Any]
PAGE = LIST_LIMIT[1]


def read(reader: Reader) -> list[JSON]:
    """Every agent on the target; a 404 raises AgentsUnavailable (aac.api.errors.translate)."""
    return reader.list_all("listing agents", lambda sdk: sdk.beta.agents)


def create(writer: Writer, key: str, body: JSON) -> Agent:
    return writer.create_tagged("agent", key, body, writer.sdk.beta.agents)


def listed(writer: Writer) -> list[Agent]:
    """This stack's agents, oldest first (to settle two applies' creates)."""
    return writer.call("listing agents", lambda: writer.mine(writer.sdk.beta.agents.list(limit=PAGE, order="asc")))


def update(writer: Writer, agent_id: str, body: JSON) -> Agent:
    return writer.call(f"updating agent {agent_id}", lambda: writer.sdk.beta.agents.update(agent_id, **body))


def delete(writer: Writer, agent_id: str) -> None:
    writer.delete(f"deleting agent {agent_id}", lambda: writer.sdk.beta.agents.delete(agent_id))


def credential_ids(raw: Mapping[str, Any]) -> tuple[str, ...]:
    """The credentials a live agent's MCP tools name, by id."""
    return tuple(str(t["credential_id"]) for t in raw.get("tools") or ()
                 if isinstance(t, Mapping) and t.get("credential_id"))

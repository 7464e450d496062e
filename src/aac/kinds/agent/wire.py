"""An agent's calls to the Agents API (beta), through the writer's guarantees (aac.api.writer): a create is sent
once and, after a lost answer, found by this stack's `aac-key` tag before it is sent again; a delete is done when
the agent is gone. Lookups read whole lists, not `metadata[...]` filters, which the API calls eventually
consistent."""

from __future__ import annotations

from typing import Any

from openai.types.beta import Agent

from aac.api.reader import PAGE, Reader
from aac.api.writer import Writer, mine

JSON = dict[str, Any]


def read(reader: Reader) -> list[JSON]:
    """Every agent on the target; a 404 raises AgentsUnavailable (aac.api.errors.translate)."""
    pages = reader.sdk.beta.agents.with_raw_response
    return reader.all_pages("listing agents", lambda after: pages.list(limit=PAGE, after=after))


def create(writer: Writer, key: str, body: JSON) -> Agent:
    return writer.create_tagged("agent", key, body, writer.sdk.beta.agents)


def listed(writer: Writer) -> list[Agent]:
    """This stack's agents, oldest first (to settle two applies' creates)."""
    return writer.call("listing agents", lambda: mine(writer.sdk.beta.agents.list(limit=PAGE, order="asc"),
                                                      writer.stack))


def update(writer: Writer, agent_id: str, body: JSON) -> Agent:
    return writer.call(f"updating agent {agent_id}", lambda: writer.sdk.beta.agents.update(agent_id, **body))


def delete(writer: Writer, agent_id: str) -> None:
    writer.delete(f"deleting agent {agent_id}", lambda: writer.sdk.beta.agents.delete(agent_id))
